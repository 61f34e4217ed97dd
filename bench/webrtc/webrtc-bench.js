// WebRtcEndpoint figures with headless chromium peers and the official kurento-client:
//  - processOffer -> answer time (server side of setup), over --offers endpoints, for a camera's
//    offer and a receive-only viewer's;
//  - browser offer -> first frame decoded (Hello World loopback), over --calls calls;
//  - server CPU for one presenter forwarded to N chromium viewers (N from --viewers 1,3,5),
//    from /proc over --seconds; the viewers decode in the same machine, so only the server's
//    own CPU time is counted.
// Usage: KMS_BINARY=... KMS_MODULES_PATH=... node webrtc-bench.js
'use strict';

const path = require('node:path');

const tests = path.join(__dirname, '..', '..', 'tests', 'node');
const kurentoClient = require(path.join(tests, 'node_modules', 'kurento-client'));
const { startServer } = require(path.join(tests, 'lib', 'server'));
const { servePages, launchBrowser } = require(path.join(tests, 'lib', 'browser'));
const { cpuSeconds } = require(path.join(__dirname, '..', 'lib', 'common'));

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : fallback;
};
const OFFERS = Number(option('offers', 20));
const CALLS = Number(option('calls', 5));
const VIEWERS = option('viewers', '1,3,5').split(',').map(Number);
const SECONDS = Number(option('seconds', 5));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function connectPage(chrome, pages, endpoint, options) {
  const page = await chrome.browser.newPage();
  await page.goto(`${pages.url}/peer.html`);
  await page.exposeFunction('sendCandidate', (json) => {
    endpoint.addIceCandidate(kurentoClient.getComplexType('IceCandidate')(JSON.parse(json)));
  });
  endpoint.on('IceCandidateFound', (event) => {
    page.evaluate((c) => window.addCandidate(c), { candidate: event.candidate.candidate,
      sdpMid: event.candidate.sdpMid, sdpMLineIndex: event.candidate.sdpMLineIndex }).catch(() => {});
  });
  const started = Date.now();
  const offer = await page.evaluate((o) => window.startCall(o), options);
  const answer = await endpoint.processOffer(offer);
  await page.evaluate((sdp) => window.setAnswer(sdp), answer);
  await endpoint.gatherCandidates();
  return { page, started, offer };
}

async function firstFrame(page, started, timeoutMs = 20000) {
  while (Date.now() - started < timeoutMs) {
    const received = await page.evaluate(() => window.received());
    if (received.video && received.video.framesDecoded > 0) return Date.now() - started;
    await sleep(20);
  }
  throw new Error('no frame decoded');
}

(async () => {
  const server = await startServer();
  const pages = await servePages();
  const chrome = await launchBrowser();
  const client = await kurentoClient(server.url);

  const pipeline = await client.create('MediaPipeline');
  const loop = await pipeline.create('WebRtcEndpoint');
  await loop.connect(loop);
  const first = await connectPage(chrome, pages, loop, {});
  await first.page.close();
  const viewerPage = await connectPage(chrome, pages, await pipeline.create('WebRtcEndpoint'), { recvonly: true });
  await viewerPage.page.close();
  // A camera's offer (sendrecv: webrtcbin) and a viewer's (recvonly: the lean transport unless
  // WebRtcEndpoint.conf.ini says leanSendTransport=false).
  for (const [name, offer] of [['', first.offer], ['recvonly_', viewerPage.offer]]) {
    const answerMs = [];
    for (let i = 0; i < OFFERS; i += 1) {
      const endpoint = await pipeline.create('WebRtcEndpoint');
      const started = process.hrtime.bigint();
      await endpoint.processOffer(offer);
      answerMs.push(Number(process.hrtime.bigint() - started) / 1e6);
      await endpoint.release();
    }
    console.log(`process_offer_${name}ms_median${' '.repeat(9 - name.length)}${percentile(answerMs, 50).toFixed(1)}`);
    console.log(`process_offer_${name}ms_p95${' '.repeat(12 - name.length)}${percentile(answerMs, 95).toFixed(1)}`);
  }
  await pipeline.release();

  const frameMs = [];
  for (let i = 0; i < CALLS; i += 1) {
    const call = await client.create('MediaPipeline');
    const endpoint = await call.create('WebRtcEndpoint');
    await endpoint.connect(endpoint);
    const { page, started } = await connectPage(chrome, pages, endpoint, {});
    frameMs.push(await firstFrame(page, started));
    await page.close();
    await call.release();
  }
  console.log(`offer_to_first_frame_ms_median ${percentile(frameMs, 50)}`);
  console.log(`offer_to_first_frame_ms_max    ${Math.max(...frameMs)}`);

  for (const viewers of VIEWERS) {
    const room = await client.create('MediaPipeline');
    const presenter = await room.create('WebRtcEndpoint');
    const opened = [(await connectPage(chrome, pages, presenter, {})).page];
    const viewerFrameMs = [];
    for (let i = 0; i < viewers; i += 1) {
      const endpoint = await room.create('WebRtcEndpoint');
      await presenter.connect(endpoint);
      const { page, started } = await connectPage(chrome, pages, endpoint, { recvonly: true });
      viewerFrameMs.push(await firstFrame(page, started));
      opened.push(page);
    }
    // A viewer joins a running stream: its first frame needs the keyframe its arrival requested
    // (target: within 1 s of its offer).
    console.log(`viewers_${viewers}_first_frame_ms_median ${percentile(viewerFrameMs, 50)}`);
    console.log(`viewers_${viewers}_first_frame_ms_max  ${Math.max(...viewerFrameMs)} (target < 1000)`);
    await sleep(1000);
    const before = cpuSeconds(server.process.pid);
    await sleep(SECONDS * 1000);
    const cpu = (cpuSeconds(server.process.pid) - before) / SECONDS;
    const transcoding = await presenter.isMediaTranscoding('VIDEO');
    console.log(`viewers_${viewers}_server_cpu          ${(cpu * 100).toFixed(1)}% of one core ` +
      `(${((cpu * 100) / viewers).toFixed(1)}% per viewer, transcoding ${transcoding})`);
    for (const page of opened) await page.close();
    await room.release();
  }
  client.close();
  await chrome.close();
  pages.close();
  await server.stop();
  process.exit(0);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
