// The lean send-only transport (WebRtcEndpoint.conf.ini leanSendTransport=true) with the real
// kurento-client and headless chromium: receive-only viewers are served without webrtcbin, with
// the events, states and statistics an application of webrtcbin's endpoint gets.
'use strict';

const assert = require('node:assert/strict');
const { after, before, describe, it } = require('node:test');
const kurentoClient = require('kurento-client');

const { startServer } = require('./lib/server');
const { servePages, launchBrowser } = require('./lib/browser');
const { sender, sdpOffer, mediaPort } = require('./lib/gst');
const { startCoturn } = require('./lib/coturn');
const peerPage = require('./lib/peer-page');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The colour at the centre of what <video id="remote"> shows now.
function centrePixel() {
  const video = document.getElementById('remote');
  if (!video.videoWidth) return null;
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  const context = canvas.getContext('2d');
  context.drawImage(video, 0, 0);
  const [r, g, b] = context.getImageData(canvas.width >> 1, canvas.height >> 1, 1, 1).data;
  return { r, g, b };
}

// Polls `probe` every 200 ms until it returns something truthy; fails after `timeoutMs`.
async function eventually(probe, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) return last;
    await sleep(200);
  }
  return assert.fail(`${what} within ${timeoutMs} ms`);
}

const EVENTS = ['IceCandidateFound', 'IceGatheringDone', 'IceComponentStateChanged',
  'NewCandidatePairSelected', 'DtlsConnectionStateChange', 'ConnectionStateChanged',
  'MediaStateChanged'];

function recordEvents(endpoint) {
  const seen = {};
  for (const name of EVENTS) {
    seen[name] = [];
    endpoint.on(name, (event) => seen[name].push(event));
  }
  return seen;
}

describe('WebRtcEndpoint on the lean send-only transport, with headless chromium', () => {
  let server;
  let pages;
  let chrome;
  let client;

  before(async () => {
    server = await startServer({ ini: { 'WebRtcEndpoint.conf.ini': 'leanSendTransport=true\n' } });
    pages = await servePages();
    chrome = await launchBrowser();
    client = await kurentoClient(server.url, { failAfter: 2, strict: true });
  });

  after(async () => {
    if (client) client.close();
    if (chrome) await chrome.close();
    if (pages) pages.close();
    if (server && process.env.KMS_TEST_SERVER_LOG) console.log(server.output());
    if (server) assert.equal(await server.stop(), 0, server.output());
  });

  const call = (endpoint, options = {}) => peerPage.call(chrome, pages.url, endpoint, options);
  const waitForFrames = (page, minFrames, audio = true) =>
    peerPage.waitForFrames(page, minFrames, { timeoutMs: 20000, audio, logs: () => server.output().slice(-3000) });

  it('a red RTP picture reaches a receive-only browser, with every event and statistic', async () => {
    const pipeline = await client.create('MediaPipeline');
    const rtpIn = await pipeline.create('RtpEndpoint');
    const viewerEndpoint = await pipeline.create('WebRtcEndpoint');
    await rtpIn.connect(viewerEndpoint);
    const seen = recordEvents(viewerEndpoint);
    const answer = await rtpIn.processOffer(sdpOffer({ media: [
      { type: 'video', pt: 96, rtpmap: 'VP8/90000', port: 5000, direction: 'sendonly' }] }));
    const media = sender('VP8', mediaPort(answer, 'video'), { pattern: 'red' });
    try {
      const viewer = await call(viewerEndpoint, { recvonly: true, audio: false });
      await waitForFrames(viewer, 30, false);
      const pixel = await eventually(async () => {
        const p = await viewer.evaluate(centrePixel);
        return p && p.r > 180 && p.g < 80 && p.b < 80 ? p : null;
      }, 10000, 'a red centre pixel');
      assert.ok(pixel.r > 180, JSON.stringify(pixel));

      const dot = await viewerEndpoint.getGstreamerDot();
      assert.doesNotMatch(dot, /GstWebRTCBin/, 'the viewer has no webrtcbin');
      assert.equal(await viewerEndpoint.isMediaTranscoding('VIDEO'), false);
      assert.ok(seen.IceCandidateFound.length > 0, 'IceCandidateFound');
      assert.ok(seen.IceCandidateFound.every((e) => e.candidate.candidate.startsWith('candidate:')));
      await eventually(() => seen.IceGatheringDone.length > 0, 10000, 'IceGatheringDone');
      assert.ok(seen.NewCandidatePairSelected.length > 0, 'NewCandidatePairSelected');
      assert.ok(seen.DtlsConnectionStateChange.some((e) => e.state === 'CONNECTED'),
        JSON.stringify(seen.DtlsConnectionStateChange));
      assert.ok(seen.IceComponentStateChanged.some((e) => ['CONNECTED', 'READY'].includes(e.state)),
        JSON.stringify(seen.IceComponentStateChanged));
      assert.ok(seen.ConnectionStateChanged.some((e) => e.newState === 'CONNECTED'));
      assert.ok(seen.MediaStateChanged.some((e) => e.newState === 'CONNECTED'));

      const pairs = await viewerEndpoint.getICECandidatePairs();
      assert.equal(pairs.length, 1);
      assert.match(pairs[0].localCandidate, /^candidate:/);
      const dtls = await viewerEndpoint.getDtlsConnectionState();
      assert.equal(dtls[0].state, 'CONNECTED');
      // The browser's receiver reports answer our sender reports: a round trip is measured.
      const outbound = await eventually(async () => Object.values(await viewerEndpoint.getStats('VIDEO'))
        .find((s) => s.type === 'outboundrtp' && s.packetsSent > 30 && s.bytesSent > 0 && s.roundTripTime > 0),
      15000, 'an outboundrtp report with a round trip');
      assert.ok(outbound.roundTripTime < 1, JSON.stringify(outbound));
      const pair = Object.values(await viewerEndpoint.getStats()).find((s) => s.type === 'candidatepair');
      assert.ok(pair && pair.state === 'succeeded' && pair.nominated, JSON.stringify(pair));
      const browser = await viewer.evaluate(() => window.received());
      assert.ok(browser.video.framesDecoded >= 30, JSON.stringify(browser));
      await viewer.close();
    } finally {
      media.kill('SIGKILL');
    }
    await pipeline.release();
  });

  it('a receive-only browser that may use only its TURN relay gets the video (coturn)', async () => {
    const turn = await startCoturn();
    const pipeline = await client.create('MediaPipeline');
    const rtpIn = await pipeline.create('RtpEndpoint');
    const viewerEndpoint = await pipeline.create('WebRtcEndpoint');
    await viewerEndpoint.setTurnUrl(`${turn.user}:${turn.password}@127.0.0.1:${turn.port}?transport=udp`);
    await rtpIn.connect(viewerEndpoint);
    const answer = await rtpIn.processOffer(sdpOffer({ media: [
      { type: 'video', pt: 96, rtpmap: 'VP8/90000', port: 5000, direction: 'sendonly' }] }));
    const media = sender('VP8', mediaPort(answer, 'video'));
    try {
      const page = await call(viewerEndpoint, { recvonly: true, relayOnly: true, iceServers: [{
        urls: `turn:127.0.0.1:${turn.port}?transport=udp`, username: turn.user, credential: turn.password }] });
      const received = await waitForFrames(page, 30, false);
      assert.equal(received.relayed, true, 'the browser must use its relay candidate');
      assert.doesNotMatch(await viewerEndpoint.getGstreamerDot(), /GstWebRTCBin/);
      assert.match(turn.output(), /ALLOCATE processed, success/);
      await page.close();
    } finally {
      media.kill('SIGKILL');
      turn.stop();
    }
    await pipeline.release();
  });

  it('one-to-many: a browser presenter (webrtcbin) and three lean viewers with sound; one leaves', async () => {
    const pipeline = await client.create('MediaPipeline');
    const presenterEndpoint = await pipeline.create('WebRtcEndpoint');
    const presenter = await call(presenterEndpoint);
    const viewers = [];
    for (let i = 0; i < 3; i += 1) {
      const endpoint = await pipeline.create('WebRtcEndpoint');
      await presenterEndpoint.connect(endpoint);
      const page = await call(endpoint, { recvonly: true });
      viewers.push({ endpoint, page });
    }
    for (const { page } of viewers) await waitForFrames(page, 30, true);
    assert.match(await presenterEndpoint.getGstreamerDot(), /GstWebRTCBin/, 'the presenter sends: webrtcbin');
    for (const { endpoint } of viewers) {
      assert.doesNotMatch(await endpoint.getGstreamerDot(), /GstWebRTCBin/);
      assert.equal(await endpoint.isMediaTranscoding('VIDEO'), false);
      assert.equal(await endpoint.isMediaTranscoding('AUDIO'), false);
    }
    await viewers[0].page.close();
    await viewers[0].endpoint.release();
    for (const { page } of viewers.slice(1)) {
      const before = (await page.evaluate(() => window.received())).video.framesDecoded;
      await sleep(1000);
      const after = (await page.evaluate(() => window.received())).video.framesDecoded;
      assert.ok(after > before + 10, `a remaining viewer stalled: ${before} -> ${after}`);
    }
    for (const { page } of viewers.slice(1)) await page.close();
    await presenter.close();
    await pipeline.release();
  });
});
