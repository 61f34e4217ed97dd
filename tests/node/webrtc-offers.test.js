// WebRtcEndpoint.processOffer of offers that Kurento answers although they lack what a browser
// sends (old clients, SIP gateways): no a=fingerprint, no ICE credentials or candidates, no
// a=setup, no a=mid, no direction. They get an answer with our ICE and DTLS attributes; a browser whose offer
// lost those lines on the way still gets its media through. What we still refuse is refused
// naming the line and the reason.
'use strict';

const assert = require('node:assert/strict');
const { after, before, describe, it } = require('node:test');
const kurentoClient = require('kurento-client');

const { startServer } = require('./lib/server');
const { servePages, launchBrowser } = require('./lib/browser');
const { errorOf, nextEvent } = require('./lib/calls');
const peerPage = require('./lib/peer-page');

// An offer as an old client makes it: DTLS-SRTP profile, but none of the lines webrtcbin wants.
function bareOffer({ audioExtra = [], videoExtra = [], sessionExtra = [] } = {}) {
  return [
    'v=0', 'o=- 4611731400430051336 2 IN IP4 127.0.0.1', 's=-', 't=0 0', ...sessionExtra,
    'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'c=IN IP4 0.0.0.0', 'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2', ...audioExtra, 'a=sendrecv',
    'm=video 9 UDP/TLS/RTP/SAVPF 96', 'c=IN IP4 0.0.0.0', 'a=rtcp-mux',
    'a=rtpmap:96 VP8/90000', 'a=rtcp-fb:96 nack pli', ...videoExtra, 'a=sendrecv', '',
  ].join('\r\n');
}

// The lines a browser's offer loses here: every ICE and DTLS attribute.
const stripIceAndDtls = (sdp) =>
  sdp.replace(/^a=(ice-ufrag|ice-pwd|ice-options|fingerprint|setup|candidate|end-of-candidates)(:.*)?\r\n/gm, '');

const FINGERPRINT = /a=fingerprint:sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}\r\n/g;

describe('WebRtcEndpoint answers offers without fingerprint or ICE lines', () => {
  let server;
  let pages;
  let chrome;
  let client;
  let pipeline;

  before(async () => {
    server = await startServer();
    pages = await servePages();
    chrome = await launchBrowser();
    client = await kurentoClient(server.url, { failAfter: 2 });
    pipeline = await client.create('MediaPipeline');
  });

  after(async () => {
    if (pipeline) await pipeline.release();
    if (client) client.close();
    if (chrome) await chrome.close();
    if (pages) pages.close();
    if (server && process.env.KMS_TEST_SERVER_LOG) console.log(server.output());
    if (server) assert.equal(await server.stop(), 0, server.output());
  });

  it('an offer with no fingerprint, ICE, setup or mid lines gets our ICE and DTLS attributes', async () => {
    const webRtc = await pipeline.create('WebRtcEndpoint');
    const answer = await webRtc.processOffer(bareOffer());
    assert.ok(answer, 'no answer');
    const media = answer.split(/^m=/m).slice(1);
    assert.deepEqual(media.map((m) => m.split(' ')[0]), ['audio', 'video'], answer);
    for (const section of media) {
      assert.match(section, /a=ice-ufrag:[A-Za-z0-9+/]{4,}\r\n/, answer);
      assert.match(section, /a=ice-pwd:[A-Za-z0-9+/]{22,}\r\n/, answer);
      assert.match(section, /a=setup:active\r\n/, answer);  // the offerer's role taken as actpass
      assert.doesNotMatch(section, /a=mid:/, answer);        // the offer named no line
    }
    // Our certificate's fingerprint, on every line (or once for the session).
    assert.ok((answer.match(FINGERPRINT) || []).length >= 1, answer);
    assert.match(media[0], /opus\/48000/i, answer);
    assert.match(media[1], /VP8\/90000/, answer);
    await webRtc.release();
  });

  it('lines without a direction are sendrecv, or take the session\'s (RFC 4566)', async () => {
    const undirected = (options) => bareOffer(options).replace(/a=sendrecv\r\n/g, '');
    const webRtc = await pipeline.create('WebRtcEndpoint');
    const answer = await webRtc.processOffer(undirected());
    assert.ok(answer, 'no answer');
    const media = answer.split(/^m=/m).slice(1);
    assert.equal(media.length, 2, answer);
    for (const section of media) assert.match(section, /a=sendrecv\r\n/, answer);
    await webRtc.release();

    const viewer = await pipeline.create('WebRtcEndpoint');
    const toViewer = await viewer.processOffer(undirected({ sessionExtra: ['a=recvonly'] }));
    assert.ok(toViewer, 'no answer');
    for (const section of toViewer.split(/^m=/m).slice(1)) assert.match(section, /a=sendonly\r\n/, toViewer);
    await viewer.release();
  });

  it('an answer without directions is taken as sendrecv, not refused', async () => {
    const webRtc = await pipeline.create('WebRtcEndpoint');
    const offer = await webRtc.generateOffer();
    // The peer's answer to it, as a gateway that leaves out the direction attributes makes it.
    const answer = offer.replace(/a=setup:actpass/g, 'a=setup:active')
      .replace(/a=ice-ufrag:.*\r\n/g, 'a=ice-ufrag:abcd\r\n')
      .replace(/a=ice-pwd:.*\r\n/g, 'a=ice-pwd:abcdefghijklmnopqrstuvwx\r\n')
      .replace(/a=(sendrecv|sendonly|recvonly|inactive)\r\n/g, '');
    const error = await errorOf((cb) => webRtc.processAnswer(answer, cb));
    assert.ok(!error, JSON.stringify(error));
    await webRtc.release();
  });

  it('refuses an a=setup that DTLS cannot serve, naming the line', async () => {
    const webRtc = await pipeline.create('WebRtcEndpoint');
    const error = await errorOf((cb) => webRtc.processOffer(bareOffer({ videoExtra: ['a=setup:holdconn'] }), cb));
    assert.ok(error, 'the offer was answered');
    assert.equal(error.code, 40205, JSON.stringify(error));
    assert.match(error.message, /m=video \(media 1, mid '1'\): a=setup:holdconn .*actpass, active or passive/, error.message);
    await webRtc.release();
  });

  it('refuses a k= line, saying why', async () => {
    const webRtc = await pipeline.create('WebRtcEndpoint');
    const error = await errorOf((cb) => webRtc.processOffer(bareOffer({ sessionExtra: ['k=clear:secret'] }), cb));
    assert.ok(error, 'the offer was answered');
    assert.equal(error.code, 40205, JSON.stringify(error));
    assert.match(error.message, /k= line .*in the clear/, error.message);
    await webRtc.release();
  });

  it('refuses lines with different fingerprints, naming the m= line', async () => {
    const webRtc = await pipeline.create('WebRtcEndpoint');
    const fp = (byte) => `a=fingerprint:sha-256 ${Array(32).fill(byte).join(':')}`;
    const offer = bareOffer({ audioExtra: [fp('AA')], videoExtra: [fp('BB')] });
    const error = await errorOf((cb) => webRtc.processOffer(offer, cb));
    assert.ok(error, 'the offer was answered');
    assert.equal(error.code, 40205, JSON.stringify(error));
    assert.match(error.message, /m=video \(media 1, mid '1'\)/, error.message);
    assert.match(error.message, /[Ff]ingerprint/, error.message);
    await webRtc.release();
  });

  it('a browser whose offer lost every ICE and DTLS line gets its camera back', async () => {
    const webRtc = await pipeline.create('WebRtcEndpoint');
    await webRtc.connect(webRtc);
    const dtlsConnected = new Promise((resolve) => webRtc.on('DtlsConnectionStateChange', (event) => {
      if (event.state === 'CONNECTED') resolve(event);
    }));
    const flowing = nextEvent(webRtc, 'MediaFlowInStateChanged', 30000);
    let sent = '';
    const page = await peerPage.call(chrome, pages.url, webRtc, {}, (offer) => {
      sent = stripIceAndDtls(offer);
      return sent;
    });
    assert.doesNotMatch(sent, /a=(ice-ufrag|ice-pwd|fingerprint|setup):/, 'the offer kept a line');
    const received = await peerPage.waitForFrames(page, 30,
      { timeoutMs: 30000, audio: true, logs: () => server.output().slice(-4000) });
    assert.ok(received.video.frameWidth > 0, JSON.stringify(received));
    await dtlsConnected;
    assert.equal((await flowing).state, 'FLOWING');
    const pairs = await webRtc.getICECandidatePairs();
    assert.equal(pairs.length, 1, JSON.stringify(pairs));
    assert.match(pairs[0].remoteCandidate, / typ prflx/, JSON.stringify(pairs));  // learnt from its checks
    await page.close();
    await webRtc.release();
  });
});
