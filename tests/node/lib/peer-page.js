// A browser peer of a WebRtcEndpoint: browser/peer.html in headless chromium, connected the way
// the tutorials do it (trickle ICE both ways), and a wait for decoded frames.
'use strict';

const assert = require('node:assert/strict');
const kurentoClient = require('kurento-client');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Opens a new page of `chrome` at `pagesUrl` and connects it to `endpoint`; `options` go to
// peer.html's startCall (video, audio, codec, recvonly, ...); `editOffer(sdp)` changes the offer
// the server gets (the browser keeps its own).
async function call(chrome, pagesUrl, endpoint, options = {}, editOffer = (sdp) => sdp) {
  const page = await chrome.browser.newPage();
  page.on('pageerror', (error) => console.error('page error', error));
  await page.goto(`${pagesUrl}/peer.html`);
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
  const answer = await endpoint.processOffer(editOffer(offer));
  if (process.env.KMS_TEST_SDP) console.log(offer, '\n----\n', answer);
  await page.evaluate((sdp) => window.setAnswer(sdp), answer);
  await endpoint.gatherCandidates();
  return page;
}

// Resolves with the page's receive stats once it decoded `minFrames` frames (and audio packets
// when `audio`); fails after `timeoutMs` with `logs()` in the message.
async function waitForFrames(page, minFrames, { timeoutMs = 20000, audio = true, logs = () => '' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let received;
  while (Date.now() < deadline) {
    received = await page.evaluate(() => window.received());
    if (received.video && received.video.framesDecoded >= minFrames &&
        (!audio || (received.audio && received.audio.packetsReceived > 20))) {
      return received;
    }
    await sleep(50);
  }
  return assert.fail(`no media within ${timeoutMs} ms: ${JSON.stringify(received)}\n${logs()}`);
}

module.exports = { call, waitForFrames };
