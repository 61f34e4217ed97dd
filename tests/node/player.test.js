// PlayerEndpoint with the official kurento-client: files of many containers, HTTP and RTSP
// sources, made at test time; what the player sends is decoded by gst-launch receivers.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { after, before, describe, it } = require('node:test');
const kurentoClient = require('kurento-client');

const { startServer } = require('./lib/server');
const { exitWithin } = require('./lib/gst');
const { makeCertificate, makeMediaFile, makeMediaFiles, serveFiles, startRtspServer } = require('./lib/media');
const { rtpReceiver } = require('./lib/rtp-peers');
const { errorOf, nextEvent } = require('./lib/calls');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PlayerEndpoint', () => {
  let server;
  let client;
  let dir;
  let files;
  const children = [];

  before(async () => {
    dir = await makeMediaFiles(3);
    files = await serveFiles(dir);
    server = await startServer();
    client = await kurentoClient(server.url, { failAfter: 2, strict: true });
  });

  after(async () => {
    children.forEach((child) => child.kill('SIGKILL'));
    if (client) client.close();
    if (files) files.close();
    if (server) assert.equal(await server.stop(), 0, server.output());
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const fileUri = (name) => `file://${path.join(dir, name)}`;

  async function playInto(pipeline, uri, codec = 'VP8', options = {}) {
    const player = await pipeline.create('PlayerEndpoint', { uri, ...options });
    const sink = await rtpReceiver(pipeline, codec);
    children.push(sink.child);
    await player.connect(sink.endpoint);
    return { player, sink };
  }

  it('plays WebM, MP4, MKV, MOV, OGG and raw H.264 files to an RTP receiver', async () => {
    const pipeline = await client.create('MediaPipeline');
    const names = ['vp8-opus.webm', 'h264-opus.mp4', 'h264-opus.mkv', 'h264-mp3.mov',
      'theora-vorbis.ogg', 'raw.h264'];
    const played = await Promise.all(names.map(async (name) => {
      const { player, sink } = await playInto(pipeline, fileUri(name));
      const ended = nextEvent(player, 'EndOfStream', 15000);
      await player.play();
      return { name, player, sink, ended };
    }));
    for (const { name, player, sink, ended } of played) {
      assert.equal(await exitWithin(sink.child, 10000), 0, `${name}: no frames\n${sink.child.output()}`);
      await ended;
      assert.equal(await player.getState(), 'STOP', name);
    }
    const info = await played[0].player.getVideoInfo();
    assert.equal(info.isSeekable, false, 'a stopped player has nothing to seek');
    await pipeline.release();
  });

  it('reports videoInfo, seeks, pauses and plays again from the start after stop', async () => {
    const pipeline = await client.create('MediaPipeline');
    const { player, sink } = await playInto(pipeline, fileUri('vp8-opus.webm'));
    const states = [];
    player.on('UriEndpointStateChanged', (event) => states.push(event.state));
    await player.play();
    const info = await player.getVideoInfo();
    assert.equal(info.isSeekable, true);
    assert.ok(Math.abs(info.duration - 3000) < 100, `duration ${info.duration}`);
    assert.equal(info.seekableInit, 0);
    assert.ok(info.seekableEnd >= 2900, `seekableEnd ${info.seekableEnd}`);
    await player.setPosition(2000);
    await sleep(200);
    const position = await player.getPosition();
    assert.ok(position >= 1900 && position < 3000, `position after seek ${position}`);
    await player.pause();
    const paused = await player.getPosition();
    await sleep(500);
    assert.ok(Math.abs((await player.getPosition()) - paused) < 50, 'the position holds while paused');
    await player.stop();
    assert.equal(await player.getPosition(), 0);
    await player.play();
    await sleep(300);
    assert.ok((await player.getPosition()) < 1500, 'play after stop starts from the beginning');
    assert.equal(await exitWithin(sink.child, 10000), 0, sink.child.output());
    assert.deepEqual(states.slice(0, 4), ['START', 'PAUSE', 'STOP', 'START']);
    const error = await errorOf((cb) => player.setPosition(-5, cb));
    assert.equal(error.code, 40700, String(error.message));
    await pipeline.release();
  });

  it('plays over HTTP to its end', async () => {
    const pipeline = await client.create('MediaPipeline');
    const { player, sink } = await playInto(pipeline, `${files.url}/vp8-opus.webm`);
    const ended = nextEvent(player, 'EndOfStream', 15000);
    await player.play();
    assert.equal((await player.getVideoInfo()).isSeekable, true, 'Range requests make HTTP seekable');
    assert.equal(await exitWithin(sink.child, 10000), 0, sink.child.output());
    await ended;
    await pipeline.release();
  });

  it('raises Error naming the URI for a missing file, an HTTP 404 and a corrupt file; others keep playing', async () => {
    // The good player's file lasts long enough to be still playing after the three errors,
    // however late its receiver starts on a busy machine.
    await makeMediaFile(dir, 'vp8-opus.webm', 12, 'long.webm');
    const pipeline = await client.create('MediaPipeline');
    const { player: good, sink } = await playInto(pipeline, fileUri('long.webm'));
    await good.play();
    const cases = [
      [fileUri('missing.webm'), 40600, /missing\.webm/],
      [`${files.url}/missing.webm`, 40600, /missing\.webm.*Not Found/],
      [fileUri('corrupt.webm'), 40005, /corrupt\.webm/],
    ];
    for (const [uri, code, pattern] of cases) {
      const player = await pipeline.create('PlayerEndpoint', { uri });
      const error = nextEvent(player, 'Error');
      await player.play();
      const event = await error;
      assert.equal(event.errorCode, code, `${uri}: ${JSON.stringify(event)}`);
      assert.match(event.description, pattern);
      assert.equal(await player.getState(), 'STOP');
    }
    assert.equal(await good.getState(), 'START', 'the good player is still playing');
    const before = await good.getPosition();
    await sleep(500);
    assert.ok((await good.getPosition()) > before, 'the good player\'s position advances');
    assert.equal(await exitWithin(sink.child, 10000), 0, `the good player's receiver\n${sink.child.output()}`);
    await pipeline.release();
  });

  it('raises Error saying why for an unknown host, a refused connection and a refused RTSP camera', async () => {
    const pipeline = await client.create('MediaPipeline');
    const cases = [
      ['http://no-such-host.invalid/a.webm', /cannot resolve host 'no-such-host\.invalid'/],
      ['https://127.0.0.1:9/a.webm', /cannot connect to 127\.0\.0\.1:9.*refused/],
      ['rtsp://127.0.0.1:9/camera', /cannot connect to 127\.0\.0\.1:9.*refused/],
    ];
    for (const [uri, pattern] of cases) {
      const player = await pipeline.create('PlayerEndpoint', { uri });
      const error = nextEvent(player, 'Error', 10000);
      await player.play();
      const event = await error;
      assert.equal(event.errorCode, 40600, `${uri}: ${JSON.stringify(event)}`);
      assert.match(event.description, pattern);
      assert.ok(event.description.includes(uri), event.description);
      assert.equal(await player.getState(), 'STOP');
    }
    await pipeline.release();
  });

  it('plays https with the CA of PlayerEndpoint.conf.ini sslCaFile; an untrusted certificate is an Error', async () => {
    const tls = makeCertificate(dir);
    const secure = await serveFiles(dir, { tls });
    const trusting = await startServer({ ini: { 'PlayerEndpoint.conf.ini': `sslCaFile=${tls.certFile}\n` } });
    const trustingClient = await kurentoClient(trusting.url, { failAfter: 2, strict: true });
    try {
      const pipeline = await trustingClient.create('MediaPipeline');
      const { player, sink } = await playInto(pipeline, `${secure.url}/vp8-opus.webm`);
      const ended = nextEvent(player, 'EndOfStream', 15000);
      await player.play();
      assert.equal(await exitWithin(sink.child, 10000), 0, sink.child.output());
      await ended;
      await pipeline.release();
      // The suite's server trusts the system's store only: the self-signed certificate fails.
      const untrusted = await client.create('MediaPipeline');
      const refused = await untrusted.create('PlayerEndpoint', { uri: `${secure.url}/vp8-opus.webm` });
      const error = nextEvent(refused, 'Error', 10000);
      await refused.play();
      const event = await error;
      assert.equal(event.errorCode, 40600, JSON.stringify(event));
      assert.match(event.description, /TLS handshake with 127\.0\.0\.1:\d+ failed/);
      await untrusted.release();
    } finally {
      trustingClient.close();
      secure.close();
      assert.equal(await trusting.stop(), 0, trusting.output());
    }
  });

  it('refuses malformed URIs at create with 40600', async () => {
    const pipeline = await client.create('MediaPipeline');
    for (const [uri, pattern] of [['ftp://host/a.webm', /scheme 'ftp'/], ['http://', /not a valid URI|no host/],
      ['file://remote/a.webm', /file URIs are local/], ['file:///tmp/a b.webm', /space/]]) {
      const error = await errorOf((cb) => pipeline.create('PlayerEndpoint', { uri }, cb));
      assert.equal(error.code, 40600, `${uri}: ${error.message}`);
      assert.match(error.message, pattern);
    }
    const error = await errorOf((cb) => pipeline.create('PlayerEndpoint', { uri: fileUri('a.webm'), networkCache: -1 }, cb));
    assert.equal(error.code, 40107);
    await pipeline.release();
  });

  it('useEncodedMedia forwards VP8 without transcoding and transcodes H.264 for a VP8 sink', async () => {
    const pipeline = await client.create('MediaPipeline');
    const vp8 = await playInto(pipeline, fileUri('vp8-opus.webm'), 'VP8', { useEncodedMedia: true });
    const h264 = await playInto(pipeline, fileUri('h264-opus.mp4'), 'VP8', { useEncodedMedia: true });
    const decoded = await playInto(pipeline, fileUri('vp8-opus.webm'), 'VP8');
    for (const { player } of [vp8, h264, decoded]) await player.play();
    for (const { sink } of [vp8, h264, decoded]) {
      assert.equal(await exitWithin(sink.child, 10000), 0, sink.child.output());
    }
    // The player's output is converted for its sink (the source transcodes, as in Kurento).
    assert.equal(await vp8.player.isMediaTranscoding('VIDEO'), false);
    assert.equal(await h264.player.isMediaTranscoding('VIDEO'), true);
    assert.equal(await decoded.player.isMediaTranscoding('VIDEO'), true, 'decoded output is encoded again');
    for (const { sink } of [vp8, h264, decoded]) {
      assert.equal(await sink.endpoint.isMediaTranscoding('VIDEO'), false);
    }
    await pipeline.release();
  });

  it('plays RTSP over TCP and UDP, refuses to seek it (40700), and re-connects after the camera restarts', async () => {
    for (const protocols of ['tcp', 'udp']) {
      let camera = await startRtspServer({ protocols });
      try {
        const pipeline = await client.create('MediaPipeline');
        const { player, sink } = await playInto(pipeline, camera.url, 'VP8', { networkCache: 200 });
        await player.play();
        assert.equal(await exitWithin(sink.child, 15000), 0, `${protocols}: ${sink.child.output()}\n${server.output().slice(-3000)}`);
        assert.equal((await player.getVideoInfo()).isSeekable, false);
        const error = await errorOf((cb) => player.setPosition(1000, cb));
        assert.equal(error.code, 40700, String(error.message));
        assert.match(error.message, /not seekable/);
        if (protocols === 'tcp') {
          await camera.stop();
          await sleep(1500);
          camera = await startRtspServer({ protocols, port: camera.port });
          const again = await rtpReceiver(pipeline, 'VP8');
          children.push(again.child);
          await player.connect(again.endpoint);
          assert.equal(await exitWithin(again.child, 20000), 0,
            `no frames after the camera came back\n${server.output().slice(-3000)}`);
          assert.match(server.output(), /reconnecting in \d+ ms \(attempt 1 of 10\)/);
        }
        await pipeline.release();
      } finally {
        await camera.stop();
      }
    }
  });
});
