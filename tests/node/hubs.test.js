// Hubs with browser participants (headless chromium through WebRtcEndpoint): what RTP test
// senders with periodic keyframes did not show. A browser connected to a Composite port before
// it negotiates (its VP8 arrives after a sink that takes raw video) must appear in its cell,
// and a port used only for output must not stall the room.
'use strict';

const assert = require('node:assert/strict');
const { after, before, describe, it } = require('node:test');
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { promisify } = require('node:util');
const kurentoClient = require('kurento-client');

const { startServer } = require('./lib/server');
const { servePages, launchBrowser } = require('./lib/browser');
const { sdpOffer, freeUdpPort } = require('./lib/gst');
const { MEDIA } = require('./lib/rtp-peers');
const { frameReceiver } = require('./lib/frames');
const { probe } = require('./lib/media');
const peerPage = require('./lib/peer-page');

const WIDTH = 64;
const HEIGHT = 36;

const run = promisify(execFile);

// Mean of r+g+b over the cell (x0..x1, y0..y1) of a WIDTH x HEIGHT RGB frame.
function cellBrightness(receiver, frame, [x0, y0, x1, y1]) {
  let sum = 0;
  let count = 0;
  for (let y = y0; y < y1; y += 2) {
    for (let x = x0; x < x1; x += 2) {
      const [r, g, b] = receiver.pixel(frame, x, y);
      sum += r + g + b;
      count += 1;
    }
  }
  return sum / count;
}

describe('Composite with browser participants', () => {
  let server;
  let pages;
  let chrome;
  let client;
  const children = [];

  before(async () => {
    server = await startServer();
    pages = await servePages();
    chrome = await launchBrowser();
    client = await kurentoClient(server.url, { failAfter: 2, strict: true });
  });

  after(async () => {
    children.forEach((child) => child.kill('SIGKILL'));
    if (client) client.close();
    if (chrome) await chrome.close();
    if (pages) pages.close();
    if (server) assert.equal(await server.stop(), 0, server.output());
  });

  it('shows a browser connected before it negotiates, beside an output-only port', async () => {
    const pipeline = await client.create('MediaPipeline');
    const composite = await pipeline.create('Composite');
    const browserPort = await composite.createHubPort();
    const outputPort = await composite.createHubPort();
    const webrtc = await pipeline.create('WebRtcEndpoint');
    await webrtc.connect(browserPort);  // before processOffer: the browser's format comes later
    const rtp = await pipeline.create('RtpEndpoint');
    await outputPort.connect(rtp);
    const port = await freeUdpPort();
    const receiver = await frameReceiver(port, WIDTH, HEIGHT);
    children.push(receiver.child);
    await rtp.processOffer(sdpOffer({ media: [{ ...MEDIA.VP8, port, direction: 'recvonly' }] }));
    await peerPage.call(chrome, pages.url, webrtc, { audio: false });
    // Two ports: the browser's cell is the left half, the output-only port's the right half.
    const left = [2, 6, WIDTH / 2 - 2, HEIGHT - 6];
    const right = [WIDTH / 2 + 2, 6, WIDTH - 2, HEIGHT - 6];
    const frame = await receiver.waitFor((f) => cellBrightness(receiver, f, left) > 60, {
      timeoutMs: 20000,
      describe: (f) => `left ${cellBrightness(receiver, f, left)}, right ${cellBrightness(receiver, f, right)}`,
    });
    assert.ok(cellBrightness(receiver, frame, right) < 30, 'the output-only port shows black');
    assert.equal(await browserPort.isMediaFlowingIn('VIDEO'), true);
    const count = receiver.count();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.ok(receiver.count() - count >= 10, `the room keeps going: ${receiver.count() - count} frames in 1 s`);
    await pipeline.release();
  });

  // The room recorded from its start, before anyone joins (what the group-call tutorial does):
  // the grid's format must not change when a browser joins, or the muxer ends the recording.
  it('records the room on a port of its own while the room goes on (the group call recorded)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kms-room-'));
    const pipeline = await client.create('MediaPipeline');
    const composite = await pipeline.create('Composite');
    const recorderPort = await composite.createHubPort();
    const file = path.join(dir, 'room.webm');
    const recorder = await pipeline.create('RecorderEndpoint', { uri: `file://${file}`, mediaProfile: 'WEBM' });
    await recorderPort.connect(recorder);
    const errors = [];
    recorder.on('Error', (error) => errors.push(error.description));
    await recorder.record();
    const browserPort = await composite.createHubPort();
    const outputPort = await composite.createHubPort();
    const webrtc = await pipeline.create('WebRtcEndpoint');
    await webrtc.connect(browserPort);
    await browserPort.connect(webrtc);  // the browser gets the grid back, as in the tutorial
    const rtp = await pipeline.create('RtpEndpoint');
    await outputPort.connect(rtp);
    const port = await freeUdpPort();
    const receiver = await frameReceiver(port, WIDTH, HEIGHT);
    children.push(receiver.child);
    await rtp.processOffer(sdpOffer({ media: [{ ...MEDIA.VP8, port, direction: 'recvonly' }] }));
    await peerPage.call(chrome, pages.url, webrtc, { audio: true });
    // Three ports: a 2x2 grid, the recorder's cell top left, the browser's top right.
    const browserCell = [WIDTH / 2 + 2, 2, WIDTH - 2, HEIGHT / 2 - 2];
    await receiver.waitFor((f) => cellBrightness(receiver, f, browserCell) > 60, { timeoutMs: 20000,
      describe: (f) => `browser cell ${cellBrightness(receiver, f, browserCell)}` });
    const before = receiver.count();
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const during = receiver.count() - before;
    assert.ok(during >= 40, `the room keeps going while it is recorded: ${during} frames in 4 s`);
    assert.deepEqual(errors, [], 'no Error while the room is recorded');
    const stopped = new Promise((resolve, reject) => {
      recorder.once('Stopped', resolve);
      setTimeout(() => reject(new Error(`no Stopped within 10 s; errors: ${errors}`)), 10000).unref();
    });
    await recorder.stop();
    await stopped;
    const info = await probe(file);
    assert.deepEqual(info.codecs, ['opus', 'vp8'], JSON.stringify(info));
    assert.ok(info.lastPacket >= 3, `the recording lasts the 4 s recorded: ${JSON.stringify(info)}`);
    // The recording's last picture shows the browser in its cell.
    const { stdout } = await run('ffmpeg', ['-v', 'error', '-sseof', '-1', '-i', file, '-frames:v', '1',
      '-vf', `scale=${WIDTH}:${HEIGHT}`, '-pix_fmt', 'rgb24', '-f', 'rawvideo', '-'],
    { encoding: 'buffer', maxBuffer: 1 << 20 });
    assert.equal(stdout.length, WIDTH * HEIGHT * 3, 'one picture decoded from the recording');
    assert.ok(cellBrightness(receiver, stdout, browserCell) > 60, 'the browser is in the recorded grid');
    assert.equal(await recorder.isMediaTranscoding('VIDEO'), true, 'the grid is encoded for the recording');
    await pipeline.release();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
