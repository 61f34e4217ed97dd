// WebRtcEndpoint with a real browser (headless chromium, fake camera and microphone) and the
// official kurento-client, as Kurento's tutorials use them.
'use strict';

const assert = require('node:assert/strict');
const { after, before, describe, it } = require('node:test');
const kurentoClient = require('kurento-client');

const { startServer } = require('./lib/server');
const { servePages, launchBrowser } = require('./lib/browser');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe('WebRtcEndpoint with headless chromium', () => {
  let server;
  let pages;
  let chrome;
  let client;

  before(async () => {
    server = await startServer();
    pages = await servePages();
    chrome = await launchBrowser();
    client = await kurentoClient(server.url, { failAfter: 2, strict: true });
  });

  after(async () => {
    if (client) client.close();
    if (chrome) await chrome.close();
    if (pages) pages.close();
    if (server) assert.equal(await server.stop(), 0, server.output());
  });

  // Connects a new page to `endpoint` the way the tutorials do: trickle ICE both ways.
  async function call(endpoint, options = {}) {
    const page = await chrome.browser.newPage();
    page.on('pageerror', (error) => console.error('page error', error));
    await page.goto(`${pages.url}/peer.html`);
    await page.exposeFunction('sendCandidate', (json) => {
      endpoint.addIceCandidate(kurentoClient.getComplexType('IceCandidate')(JSON.parse(json)));
    });
    endpoint.on('IceCandidateFound', (event) => {
      page.evaluate((candidate) => window.addCandidate(candidate), {
        candidate: event.candidate.candidate, sdpMid: event.candidate.sdpMid,
        sdpMLineIndex: event.candidate.sdpMLineIndex,
      }).catch(() => {});
    });
    const offer = await page.evaluate((o) => window.startCall(o), options);
    const answer = await endpoint.processOffer(offer);
    if (process.env.KMS_TEST_SDP) console.log(offer, '\n----\n', answer);
    await page.evaluate((sdp) => window.setAnswer(sdp), answer);
    await endpoint.gatherCandidates();
    return page;
  }

  async function waitForFrames(page, minFrames, timeoutMs = 20000) {
    const deadline = Date.now() + timeoutMs;
    let received;
    while (Date.now() < deadline) {
      received = await page.evaluate(() => window.received());
      if (received.video && received.video.framesDecoded >= minFrames &&
          received.audio && received.audio.packetsReceived > 20) {
        return received;
      }
      await sleep(250);
    }
    assert.fail(`no media within ${timeoutMs} ms: ${JSON.stringify(received)}\n${server.output().slice(-3000)}`);
  }

  it('Hello World: the browser gets its own camera back through one endpoint', async () => {
    const pipeline = await client.create('MediaPipeline');
    const webRtc = await pipeline.create('WebRtcEndpoint');
    await webRtc.connect(webRtc);
    const gathered = new Promise((resolve) => webRtc.once('IceGatheringDone', resolve));
    const page = await call(webRtc);
    await gathered;
    const received = await waitForFrames(page, 30);
    assert.ok(received.video.frameWidth > 0, JSON.stringify(received));
    assert.equal(await webRtc.isMediaTranscoding('VIDEO'), false);
    await page.close();
    await pipeline.release();
  });
});
