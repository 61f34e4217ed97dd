// The server installed from the Debian packages (tests/packaging/install.sh starts it the way
// its systemd unit does): /healthz, the modules getInfo lists, and, with KMS_HELLO_WORLD=1,
// Hello World (one WebRtcEndpoint connected to itself) with headless chromium through the
// official kurento-client, in VP8 and in H.264 (openh264 comes with the packages' dependencies).
// Environment: KMS_URL (ws://127.0.0.1:<port>/kurento), KMS_MODULES (the module names expected,
// comma-separated, in any order), KMS_VERSION (the version getInfo reports), NODE_PATH (the
// node_modules folder of tests/node).
'use strict';

const assert = require('node:assert/strict');
const path = require('node:path');
const { after, before, describe, it } = require('node:test');
const kurentoClient = require('kurento-client');

const nodeLib = path.join(__dirname, '..', 'node', 'lib');
const { servePages, launchBrowser } = require(path.join(nodeLib, 'browser'));

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const url = process.env.KMS_URL;
const healthz = url.replace(/^ws/, 'http').replace(/\/kurento$/, '/healthz');

describe(`installed kurento-media-server at ${url}`, () => {
  let client;

  before(async () => {
    client = await kurentoClient(url, { failAfter: 2, strict: true });
  });

  after(() => {
    if (client) client.close();
  });

  it('answers /healthz', async () => {
    const response = await fetch(healthz);
    assert.equal(response.status, 200, await response.text());
  });

  it('lists the installed modules in getInfo', async () => {
    const info = await (await client.getServerManager()).getInfo();
    const names = info.modules.map((module) => module.name).sort();
    assert.deepEqual(names, process.env.KMS_MODULES.split(',').sort(), JSON.stringify(info.modules));
    if (process.env.KMS_VERSION) assert.equal(info.version, process.env.KMS_VERSION);
  });

  if (process.env.KMS_HELLO_WORLD !== '1') return;

  describe('Hello World with headless chromium', () => {
    let pages;
    let chrome;

    before(async () => {
      pages = await servePages();
      chrome = await launchBrowser();
    });

    after(async () => {
      if (chrome) await chrome.close();
      if (pages) pages.close();
    });

    async function helloWorld(codec) {
      const pipeline = await client.create('MediaPipeline');
      const webRtc = await pipeline.create('WebRtcEndpoint');
      await webRtc.connect(webRtc);
      const page = await chrome.browser.newPage();
      await page.goto(`${pages.url}/peer.html`);
      await page.exposeFunction('sendCandidate', (json) => {
        webRtc.addIceCandidate(kurentoClient.getComplexType('IceCandidate')(JSON.parse(json)));
      });
      webRtc.on('IceCandidateFound', (event) => {
        page.evaluate((candidate) => window.addCandidate(candidate), {
          candidate: event.candidate.candidate, sdpMid: event.candidate.sdpMid,
          sdpMLineIndex: event.candidate.sdpMLineIndex,
        }).catch(() => {});
      });
      const offer = await page.evaluate((c) => window.startCall({ codec: c }), codec);
      const answer = await webRtc.processOffer(offer);
      await page.evaluate((sdp) => window.setAnswer(sdp), answer);
      await webRtc.gatherCandidates();
      const deadline = Date.now() + 20000;
      let received;
      while (Date.now() < deadline) {
        received = await page.evaluate(() => window.received());
        if (received.video && received.video.framesDecoded >= 30 &&
            received.audio && received.audio.packetsReceived > 20) break;
        await sleep(100);
      }
      assert.ok(received.video && received.video.framesDecoded >= 30 && received.video.frameWidth > 0,
        `no video back within 20 s: ${JSON.stringify(received)}`);
      assert.ok(received.audio && received.audio.packetsReceived > 20, JSON.stringify(received));
      assert.equal(received[received.video.codecId], `video/${codec}`, JSON.stringify(received));
      await page.close();
      await pipeline.release();
    }

    it('VP8: the browser gets its own camera back', () => helloWorld('VP8'));
    it('H264: the browser gets its own camera back', () => helloWorld('H264'));
  });
});
