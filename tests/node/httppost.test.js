// HttpPostEndpoint with the official kurento-client: a WebM made at test time is POSTed with
// curl (plain body and multipart/form-data) to getUrl(), plays into a RecorderEndpoint and a
// browser; unknown paths get 404, oversized and malformed bodies a 4xx.
'use strict';

const assert = require('node:assert/strict');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { promisify } = require('node:util');
const { after, before, describe, it } = require('node:test');
const kurentoClient = require('kurento-client');

const { startServer } = require('./lib/server');
const { servePages, launchBrowser } = require('./lib/browser');
const { makeMediaFiles, probe } = require('./lib/media');
const { errorOf, nextEvent } = require('./lib/calls');
const peerPage = require('./lib/peer-page');

const run = promisify(execFile);

// curl's status line and body for a POST of `args` to `url`.
async function post(url, args) {
  const { stdout } = await run('curl', ['-s', '-S', '-o', '-', '-w', '\n%{http_code}', '-X', 'POST',
    ...args, url], { maxBuffer: 1024 * 1024 });
  const lines = stdout.trimEnd().split('\n');
  return { status: Number(lines.pop()), body: lines.join('\n') };
}

describe('HttpPostEndpoint', () => {
  let server;
  let client;
  let media;
  let pages;
  let chrome;
  let dir;

  before(async () => {
    media = await makeMediaFiles(3);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kms-httppost-'));
    server = await startServer({ ini: { 'HttpEndpoint.conf.ini': 'announcedAddress=127.0.0.1\n' } });
    client = await kurentoClient(server.url, { failAfter: 2, strict: true });
    pages = await servePages();
    chrome = await launchBrowser();
  });

  after(async () => {
    if (client) client.close();
    if (chrome) await chrome.close();
    if (pages) pages.close();
    if (server) assert.equal(await server.stop(), 0, server.output());
    for (const folder of [media, dir]) if (folder) fs.rmSync(folder, { recursive: true, force: true });
  });

  it('plays a POSTed WebM into a recorder and a browser, then ends', async () => {
    const pipeline = await client.create('MediaPipeline');
    const upload = await pipeline.create('HttpPostEndpoint');
    const url = await upload.getUrl();
    assert.match(url, new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/upload/[0-9a-f-]{36}$`));
    const file = path.join(dir, 'from-upload.webm');
    const recorder = await pipeline.create('RecorderEndpoint', { uri: `file://${file}`, stopOnEndOfStream: true });
    await upload.connect(recorder);
    await recorder.record();
    const webRtc = await pipeline.create('WebRtcEndpoint');
    await upload.connect(webRtc);
    const page = await peerPage.call(chrome, pages.url, webRtc, { recvonly: true });
    const started = nextEvent(upload, 'MediaSessionStarted');
    const ended = nextEvent(upload, 'EndOfStream', 20000);
    const stopped = nextEvent(recorder, 'Stopped', 20000);
    const answer = await post(url, ['-H', 'Content-Type: video/webm', '--data-binary',
      `@${path.join(media, 'vp8-opus.webm')}`]);
    assert.equal(answer.status, 200, answer.body);
    await started;
    await peerPage.waitForFrames(page, 30, { logs: () => server.output().slice(-3000) });
    await ended;
    await stopped;
    const info = await probe(file);
    assert.deepEqual(info.codecs, ['opus', 'vp8']);
    assert.ok(Math.abs(info.duration - 3) < 0.4, JSON.stringify(info));
    await page.close();
    await pipeline.release();
  });

  it('takes multipart/form-data (a browser form) and encoded media', async () => {
    const pipeline = await client.create('MediaPipeline');
    const upload = await pipeline.create('HttpPostEndpoint', { useEncodedMedia: true });
    const file = path.join(dir, 'from-form.webm');
    const recorder = await pipeline.create('RecorderEndpoint', { uri: `file://${file}`, stopOnEndOfStream: true });
    await upload.connect(recorder);
    await recorder.record();
    const stopped = nextEvent(recorder, 'Stopped', 20000);
    const answer = await post(await upload.getUrl(), ['-F', `file=@${path.join(media, 'vp8-opus.webm')};type=video/webm`]);
    assert.equal(answer.status, 200, answer.body);
    await stopped;
    const info = await probe(file);
    assert.deepEqual(info.codecs, ['opus', 'vp8']);
    assert.equal(await recorder.isMediaTranscoding('VIDEO'), false, 'encoded VP8 kept as is');
    await pipeline.release();
  });

  it('answers 404 to unknown and released paths, 405 to GET, 409 to a second upload, 400 to a broken form', async () => {
    const pipeline = await client.create('MediaPipeline');
    const upload = await pipeline.create('HttpPostEndpoint');
    const url = await upload.getUrl();
    const base = url.replace(/\/upload\/.*/, '');
    assert.equal((await post(`${base}/upload/not-a-path`, ['--data-binary', 'x'])).status, 404);
    const { stdout } = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', url]);
    assert.equal(Number(stdout), 405);
    const broken = await post(url, ['-H', 'Content-Type: multipart/form-data; boundary=XYZ',
      '--data-binary', '--XYZ\r\nContent-Disposition: form-data; name="f"\r\n\r\nno end']);
    assert.equal(broken.status, 400, broken.body);
    const other = await pipeline.create('HttpPostEndpoint', { disconnectionTimeout: 0 });
    const otherUrl = await other.getUrl();
    const slow = run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'POST', '--limit-rate', '50k',
      '--data-binary', `@${path.join(media, 'vp8-opus.webm')}`, otherUrl]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const second = await post(otherUrl, ['--data-binary', 'x']);
    assert.equal(second.status, 409, second.body);
    assert.match(second.body, /in progress/);
    assert.equal(Number((await slow).stdout), 200);
    const refused = await errorOf((cb) => pipeline.create('HttpPostEndpoint', { disconnectionTimeout: -1 }, cb));
    assert.equal(refused.code, 40107);
    await upload.release();
    assert.equal((await post(url, ['--data-binary', 'x'])).status, 404, 'a released endpoint is gone');
    await pipeline.release();
  });
});
