// RecorderEndpoint with the official kurento-client: every profile from a live RTP source (what
// a WebRTC call delivers: VP8 and Opus) and from a player (decoded media), read back with
// ffprobe; pause without a gap, HTTP upload, stopOnEndOfStream, errors, and kill -9.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const os = require('node:os');
const path = require('node:path');
const { after, before, describe, it } = require('node:test');
const kurentoClient = require('kurento-client');

const { startServer } = require('./lib/server');
const { freeTcpPort } = require('./lib/ports');
const { makeCertificate, makeMediaFiles, probe } = require('./lib/media');
const { rtpSource } = require('./lib/rtp-peers');
const { errorOf, nextEvent } = require('./lib/calls');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// What each profile writes from VP8 + Opus (a WebRTC call), and from decoded media.
const PROFILES = {
  WEBM: { ext: 'webm', live: ['opus', 'vp8'], decoded: ['opus', 'vp8'] },
  WEBM_VIDEO_ONLY: { ext: 'webm', live: ['vp8'], decoded: ['vp8'] },
  WEBM_AUDIO_ONLY: { ext: 'webm', live: ['opus'], decoded: ['opus'] },
  MKV: { ext: 'mkv', live: ['opus', 'vp8'], decoded: ['h264', 'opus'] },
  MKV_VIDEO_ONLY: { ext: 'mkv', live: ['vp8'], decoded: ['h264'] },
  MKV_AUDIO_ONLY: { ext: 'mkv', live: ['opus'], decoded: ['opus'] },
  MP4: { ext: 'mp4', live: ['h264', 'opus'], decoded: ['h264', 'opus'] },
  MP4_VIDEO_ONLY: { ext: 'mp4', live: ['h264'], decoded: ['h264'] },
  MP4_AUDIO_ONLY: { ext: 'mp4', live: ['opus'], decoded: ['opus'] },
  FLV: { ext: 'flv', live: ['aac', 'h264'], decoded: ['aac', 'h264'] },
  JPEG_VIDEO_ONLY: { ext: 'mjpeg', live: ['mjpeg'], decoded: ['mjpeg'] },
};

// A recording's duration as ffprobe sees it: the container's, or its last packet's time.
const durationOf = (info) => (Number.isFinite(info.duration) && info.duration > 0 ? info.duration : info.lastPacket);

describe('RecorderEndpoint', () => {
  let server;
  let client;
  let dir;
  let media;
  const children = [];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kms-recordings-'));
    media = await makeMediaFiles(4);
    server = await startServer();
    client = await kurentoClient(server.url, { failAfter: 2, strict: true });
  });

  after(async () => {
    children.forEach((child) => child.kill('SIGKILL'));
    if (client) client.close();
    if (server) assert.equal(await server.stop(), 0, server.output());
    for (const folder of [dir, media]) if (folder) fs.rmSync(folder, { recursive: true, force: true });
  });

  // Records `source` with every profile at once; returns [{ name, file, recorder }].
  async function recordAll(pipeline, source, tag) {
    return Promise.all(Object.entries(PROFILES).map(async ([name, profile]) => {
      const file = path.join(dir, tag, `${name}.${profile.ext}`);
      const recorder = await pipeline.create('RecorderEndpoint', { uri: `file://${file}`, mediaProfile: name });
      await source.connect(recorder);
      const recording = nextEvent(recorder, 'Recording').then(() => Date.now());
      await recorder.record();
      return { name, file, recorder, recording };
    }));
  }

  // Stops them all; `seconds` is each one's time from `startedAt` (media arriving) to stop().
  // From a live source, video-only files start at its next keyframe: `fromKeyframe` times them
  // from their Recording event instead.
  async function finishAll(recorders, startedAt, fromKeyframe = false) {
    return Promise.all(recorders.map(async (r) => {
      const stopped = nextEvent(r.recorder, 'Stopped');
      const from = fromKeyframe && /VIDEO_ONLY/.test(r.name) ? await r.recording : startedAt;
      // stop(), not stopAndWait(): requests of one connection run in order, so waiting for
      // each file would stop the later recorders late.
      const seconds = (Date.now() - from) / 1000;
      await r.recorder.stop();
      await stopped;
      return { ...r, seconds };
    }));
  }

  async function checkFiles(recorded, kind) {
    for (const { name, file, seconds } of recorded) {
      const info = await probe(file);
      assert.deepEqual(info.codecs, PROFILES[name][kind], `${name}: ${JSON.stringify(info)}`);
      if (name === 'JPEG_VIDEO_ONLY') {
        assert.ok(info.packets >= seconds * 20, `${name}: ${info.packets} pictures in ${seconds} s`);
      } else {
        const duration = durationOf(info);
        assert.ok(Math.abs(duration - seconds) <= seconds * 0.1 + 0.15,
          `${name}: ${duration} s in the file for ${seconds} s recorded (${JSON.stringify(info)})`);
      }
    }
  }

  it('records every profile from a live VP8+Opus RTP source', async () => {
    const pipeline = await client.create('MediaPipeline');
    const source = await rtpSource(pipeline);
    children.push(...source.children);
    const recorders = await recordAll(pipeline, source.endpoint, 'live');
    const startedAt = Date.now();
    await sleep(3000);
    const recorded = await finishAll(recorders, startedAt, true);
    await checkFiles(recorded, 'live');
    const webm = recorded.find((r) => r.name === 'WEBM').recorder;
    assert.equal(await webm.isMediaTranscoding('VIDEO'), false, 'VP8 into WebM is kept as is');
    const mp4 = recorded.find((r) => r.name === 'MP4').recorder;
    assert.equal(await mp4.isMediaTranscoding('VIDEO'), true, 'VP8 into MP4 is encoded to H.264');
    await pipeline.release();
  });

  it('records every profile from a player (decoded media), stopping on its end of stream', async () => {
    const pipeline = await client.create('MediaPipeline');
    const player = await pipeline.create('PlayerEndpoint', { uri: `file://${path.join(media, 'vp8-opus.webm')}` });
    const recorders = await recordAll(pipeline, player, 'player');
    const eos = await pipeline.create('RecorderEndpoint', {
      uri: `file://${path.join(dir, 'player', 'eos.webm')}`, stopOnEndOfStream: true });
    await player.connect(eos);
    const eosStopped = nextEvent(eos, 'Stopped', 15000);
    await eos.record();
    await player.play();
    const startedAt = Date.now();
    await sleep(3000);
    const recorded = await finishAll(recorders, startedAt);
    await checkFiles(recorded, 'decoded');
    await eosStopped;
    assert.equal(await eos.getState(), 'STOP');
    const whole = await probe(path.join(dir, 'player', 'eos.webm'));
    assert.ok(Math.abs(durationOf(whole) - 4) < 0.4, `the whole 4 s file: ${JSON.stringify(whole)}`);
    await pipeline.release();
  });

  it('records a player through a filter (GStreamerFilter videoflip), audio passing it', async () => {
    const pipeline = await client.create('MediaPipeline');
    const player = await pipeline.create('PlayerEndpoint', { uri: `file://${path.join(media, 'vp8-opus.webm')}` });
    const filter = await pipeline.create('GStreamerFilter', { command: 'videoflip method=horizontal-flip' });
    const file = path.join(dir, 'filtered', 'a.webm');
    const recorder = await pipeline.create('RecorderEndpoint', { uri: `file://${file}`, stopOnEndOfStream: true });
    await player.connect(filter);
    await filter.connect(recorder);
    const stopped = nextEvent(recorder, 'Stopped', 15000);
    await recorder.record();
    await player.play();
    await stopped;
    const info = await probe(file);
    assert.deepEqual(info.codecs, ['opus', 'vp8'], JSON.stringify(info));
    assert.ok(Math.abs(durationOf(info) - 4) < 0.5, JSON.stringify(info));
    await pipeline.release();
  });

  it('pauses without a gap: 2 s + pause + 2 s make a 4 s file; events and states follow', async () => {
    const pipeline = await client.create('MediaPipeline');
    const source = await rtpSource(pipeline);
    children.push(...source.children);
    const file = path.join(dir, 'pause', 'a.webm');
    const recorder = await pipeline.create('RecorderEndpoint', { uri: `file://${file}`, mediaProfile: 'WEBM' });
    const events = [];
    for (const name of ['Recording', 'Paused', 'Stopped', 'UriEndpointStateChanged', 'MediaFlowInStateChanged']) {
      recorder.on(name, (event) => events.push(name === 'UriEndpointStateChanged' ? event.state
        : name === 'MediaFlowInStateChanged' ? `${event.mediaType}:${event.state}` : name));
    }
    await source.endpoint.connect(recorder);
    const started = nextEvent(recorder, 'Recording');
    await recorder.record();
    await started;
    await sleep(2000);
    await recorder.pause();
    assert.equal(await recorder.getState(), 'PAUSE');
    await sleep(2000);
    await recorder.record();
    await sleep(2000);
    await recorder.stopAndWait();
    const info = await probe(file);
    assert.deepEqual(info.codecs, ['opus', 'vp8']);
    assert.ok(Math.abs(durationOf(info) - 4) <= 0.5, `${durationOf(info)} s for 4 s recorded`);
    for (const expected of ['START', 'Recording', 'PAUSE', 'Paused', 'STOP', 'Stopped', 'AUDIO:FLOWING', 'VIDEO:FLOWING']) {
      assert.ok(events.includes(expected), `${expected} in ${events}`);
    }
    await pipeline.release();
  });

  // An upload receiver (HTTP, or HTTPS with `tls`): resolves { url, uploads, close }.
  async function uploadReceiver(tls = null) {
    const uploads = [];
    const handler = (request, response) => {
      const chunks = [];
      request.on('data', (chunk) => chunks.push(chunk));
      request.on('end', () => {
        uploads.push({ method: request.method, headers: request.headers, body: Buffer.concat(chunks) });
        response.writeHead(200);
        response.end();
      });
    };
    const receiver = tls ? https.createServer(tls, handler) : http.createServer(handler);
    const port = await freeTcpPort();
    await new Promise((resolve) => receiver.listen(port, '127.0.0.1', resolve));
    return { url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/upload/call.webm`, uploads,
      close: () => receiver.close() };
  }

  async function recordUpload(kms, url) {
    const pipeline = await kms.create('MediaPipeline');
    const source = await rtpSource(pipeline);
    children.push(...source.children);
    const recorder = await pipeline.create('RecorderEndpoint', { uri: url, mediaProfile: 'WEBM' });
    await source.endpoint.connect(recorder);
    return { pipeline, recorder };
  }

  async function checkUpload(receiver, name) {
    const deadline = Date.now() + 5000;
    while (receiver.uploads.length === 0 && Date.now() < deadline) await sleep(50);
    assert.equal(receiver.uploads.length, 1);
    const [upload] = receiver.uploads;
    assert.equal(upload.method, 'POST');
    assert.equal(upload.headers['transfer-encoding'], 'chunked');
    assert.equal(upload.headers['content-type'], 'video/webm');
    const file = path.join(dir, name);
    fs.writeFileSync(file, upload.body);
    const info = await probe(file);
    assert.deepEqual(info.codecs, ['opus', 'vp8']);
    assert.ok(durationOf(info) >= 2.5, `uploaded ${JSON.stringify(info)}`);
  }

  it('uploads the recording to an HTTP server as it records (chunked POST)', async () => {
    const receiver = await uploadReceiver();
    try {
      const { pipeline, recorder } = await recordUpload(client, receiver.url);
      const started = nextEvent(recorder, 'Recording');
      await recorder.record();
      await started;
      await sleep(3000);
      await recorder.stopAndWait();
      await checkUpload(receiver, 'uploaded.webm');
      await pipeline.release();
    } finally {
      receiver.close();
    }
  });

  it('uploads over HTTPS to a server trusted by RecorderEndpoint.conf.ini sslCaFile, never to an untrusted one', async () => {
    const tls = makeCertificate(dir);
    const receiver = await uploadReceiver(tls);
    const trusting = await startServer({ ini: { 'RecorderEndpoint.conf.ini': `sslCaFile=${tls.certFile}\n` } });
    const trustingClient = await kurentoClient(trusting.url, { failAfter: 2, strict: true });
    try {
      const { pipeline, recorder } = await recordUpload(trustingClient, receiver.url);
      const started = nextEvent(recorder, 'Recording');
      await recorder.record();
      await started;
      await sleep(3000);
      await recorder.stopAndWait();
      await checkUpload(receiver, 'uploaded-https.webm');
      await pipeline.release();
      // The suite's server trusts the system's store only: the upload is refused, loudly.
      receiver.uploads.length = 0;
      const untrusted = await recordUpload(client, receiver.url);
      const error = nextEvent(untrusted.recorder, 'Error', 15000);
      await untrusted.recorder.record();
      const event = await error;
      assert.match(event.description, /call\.webm.*(certificate|SSL|TLS)/i, JSON.stringify(event));
      assert.equal(receiver.uploads.length, 0, 'nothing reached the untrusted server');
      await untrusted.pipeline.release();
    } finally {
      trustingClient.close();
      receiver.close();
      assert.equal(await trusting.stop(), 0, trusting.output());
    }
  });

  it('records what comes when only audio ever arrives, even if connected before media', async () => {
    const pipeline = await client.create('MediaPipeline');
    const file = path.join(dir, 'audio-only', 'a.webm');
    const recorder = await pipeline.create('RecorderEndpoint', { uri: `file://${file}`, mediaProfile: 'WEBM' });
    await recorder.record();
    await sleep(500);
    const source = await rtpSource(pipeline, ['OPUS']);
    children.push(...source.children);
    const started = nextEvent(recorder, 'Recording');
    await source.endpoint.connect(recorder);
    await started;
    await sleep(2500);
    await recorder.stopAndWait();
    const info = await probe(file);
    assert.deepEqual(info.codecs, ['opus']);
    assert.ok(durationOf(info) >= 1.5, JSON.stringify(info));
    await pipeline.release();
  });

  it('raises Error naming the path and the reason for a target it cannot write; refuses unknown profiles', async () => {
    const pipeline = await client.create('MediaPipeline');
    const blocker = path.join(dir, 'not-a-folder');
    fs.writeFileSync(blocker, 'a file');
    const recorder = await pipeline.create('RecorderEndpoint', { uri: `file://${blocker}/sub/a.webm` });
    const error = nextEvent(recorder, 'Error');
    await recorder.record();
    const event = await error;
    assert.match(event.description, /not-a-folder.*Not a directory/);
    assert.equal(await recorder.getState(), 'STOP');
    const refused = await errorOf((cb) => pipeline.create('RecorderEndpoint',
      { uri: `file://${dir}/a.ksr`, mediaProfile: 'KURENTO_SPLIT_RECORDER' }, cb));
    assert.equal(refused.code, 40107);
    assert.match(refused.message, /KURENTO_SPLIT_RECORDER/);
    const badUri = await errorOf((cb) => pipeline.create('RecorderEndpoint', { uri: 'rtsp://host/a' }, cb));
    assert.equal(badUri.code, 40600);
    await pipeline.release();
  });
});

describe('RecorderEndpoint when the server is killed (kill -9)', () => {
  it('leaves a file ffprobe reads up to about the kill, for every profile', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kms-killed-'));
    const server = await startServer();
    const client = await kurentoClient(server.url, { failAfter: 2, strict: true });
    const pipeline = await client.create('MediaPipeline');
    const source = await rtpSource(pipeline);
    let startedAt = 0;
    try {
      const recorders = await Promise.all(Object.entries(PROFILES).map(async ([name, profile]) => {
        const file = path.join(dir, `${name}.${profile.ext}`);
        const recorder = await pipeline.create('RecorderEndpoint', { uri: `file://${file}`, mediaProfile: name });
        await source.endpoint.connect(recorder);
        const started = nextEvent(recorder, 'Recording');
        await recorder.record();
        return { name, file, started };
      }));
      await Promise.all(recorders.map((r) => r.started));
      startedAt = Date.now();
      await sleep(4000);
      client.close();  // the session and its media live on in the server until it dies
      server.process.kill('SIGKILL');
      const recordedSeconds = (Date.now() - startedAt) / 1000;
      await new Promise((resolve) => server.process.once('exit', resolve));
      for (const { name, file } of recorders) {
        const info = await probe(file).catch((error) => ({ error: error.message }));
        assert.ok(!info.error, `${name}: ffprobe cannot read the file: ${info.error}`);
        assert.deepEqual(info.codecs, PROFILES[name].live, `${name}: ${JSON.stringify(info)}`);
        if (name !== 'JPEG_VIDEO_ONLY') {
          assert.ok(info.lastPacket >= recordedSeconds - 2.5,
            `${name}: media up to ${info.lastPacket} s of ${recordedSeconds} s recorded`);
        }
      }
    } finally {
      source.children.forEach((child) => child.kill('SIGKILL'));
      client.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
