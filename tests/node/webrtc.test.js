// WebRtcEndpoint with a real browser (headless chromium, fake camera and microphone) and the
// official kurento-client, as Kurento's tutorials use them.
'use strict';

const assert = require('node:assert/strict');
const { after, before, describe, it } = require('node:test');
const kurentoClient = require('kurento-client');

const { startServer } = require('./lib/server');
const { servePages, launchBrowser } = require('./lib/browser');
const { sender, receiver, exitWithin, sdpOffer, mediaPort, freeUdpPort } = require('./lib/gst');
const { startCoturn } = require('./lib/coturn');
const peerPage = require('./lib/peer-page');

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
    if (server && process.env.KMS_TEST_SERVER_LOG) console.log(server.output());
    if (server) assert.equal(await server.stop(), 0, server.output());
  });

  const call = (endpoint, options = {}) => peerPage.call(chrome, pages.url, endpoint, options);
  const waitForFrames = (page, minFrames, timeoutMs = 20000, audio = true) =>
    peerPage.waitForFrames(page, minFrames, { timeoutMs, audio, logs: () => server.output().slice(-3000) });

  it('Hello World: the browser gets its own camera back through one endpoint', async () => {
    const pipeline = await client.create('MediaPipeline');
    const webRtc = await pipeline.create('WebRtcEndpoint');
    await webRtc.connect(webRtc);
    const gathered = new Promise((resolve) => webRtc.once('IceGatheringDone', resolve));
    const pairsSeen = [];
    webRtc.on('NewCandidatePairSelected', (event) => pairsSeen.push(event.candidatePair));
    const dtlsStates = [];
    webRtc.on('DtlsConnectionStateChange', (event) => dtlsStates.push(event.state));
    const page = await call(webRtc);
    await gathered;
    const received = await waitForFrames(page, 30);
    assert.ok(received.video.frameWidth > 0, JSON.stringify(received));
    // The transport: the ICE pair libnice chose, and DTLS connected (events and getters).
    // (ICE may select a better pair after the first one: the getter holds the latest.)
    assert.ok(pairsSeen.length > 0, 'no NewCandidatePairSelected');
    const pairs = await webRtc.getICECandidatePairs();
    assert.equal(pairs.length, 1, JSON.stringify(pairs));
    assert.match(pairs[0].localCandidate, /^candidate:\S+ 1 udp \d+ \S+ \d+ typ /i, JSON.stringify(pairs));
    assert.match(pairs[0].remoteCandidate, /^candidate:/, JSON.stringify(pairs));
    assert.ok(pairsSeen.some((p) => p.localCandidate === pairs[0].localCandidate), JSON.stringify(pairsSeen));
    assert.ok(dtlsStates.includes('CONNECTED'), JSON.stringify(dtlsStates));
    const dtls = await webRtc.getDtlsConnectionState();
    assert.ok(dtls.length > 0 && dtls.every((c) => c.state === 'CONNECTED'), JSON.stringify(dtls));
    assert.equal(await webRtc.isMediaTranscoding('VIDEO'), false);
    let stats = [];
    let inbound;
    let outbound;
    for (let attempt = 0; attempt < 50 && !(inbound && outbound); attempt += 1) {
      stats = Object.values(await webRtc.getStats('VIDEO'));
      inbound = stats.find((s) => s.type === 'inboundrtp' && s.packetsReceived > 0 && s.bytesReceived > 0);
      outbound = stats.find((s) => s.type === 'outboundrtp' && s.packetsSent > 0 && s.bytesSent > 0);
      if (!(inbound && outbound)) await sleep(100);
    }
    assert.ok(inbound && outbound, `W3C inbound/outbound stats: ${JSON.stringify(stats)}`);
    const pairStats = stats.find((s) => s.type === 'candidatepair');
    assert.ok(pairStats && pairStats.state === 'succeeded' && pairStats.nominated &&
      pairStats.localCandidateId && pairStats.remoteCandidateId && pairStats.transportId, JSON.stringify(stats));
    // Audio and video reports are told apart by SSRC (webrtcbin 1.22 mislabels BUNDLE sources).
    const audio = Object.values(await webRtc.getStats('AUDIO'));
    const rtpSsrcs = (list) => list.filter((s) => s.type === 'inboundrtp' || s.type === 'outboundrtp').map((s) => s.ssrc);
    assert.ok(audio.some((s) => s.type === 'inboundrtp' && s.packetsReceived > 0), JSON.stringify(audio));
    const shared = rtpSsrcs(audio).filter((ssrc) => rtpSsrcs(stats).includes(ssrc));
    assert.deepEqual(shared, [], `SSRCs in both AUDIO and VIDEO stats: ${JSON.stringify({ audio, video: stats })}`);
    await page.close();
    await pipeline.release();
  });

  it('the browser answers the endpoint\'s own offer (generateOffer, processAnswer)', async () => {
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
    const offer = await webRtc.generateOffer();
    assert.match(offer, /m=audio [1-9]\d* /);
    assert.match(offer, /m=video \d+ UDP\/TLS\/RTP\/SAVPF 96/);
    const answer = await page.evaluate((sdp) => window.answerCall(sdp), offer);
    await webRtc.processAnswer(answer);
    await webRtc.gatherCandidates();
    const received = await waitForFrames(page, 30);
    assert.ok(received.video.frameWidth > 0, JSON.stringify(received));
    await page.close();
    await pipeline.release();
  });

  it('one-to-many: three viewers decode the presenter; one leaving disturbs nobody', async () => {
    const pipeline = await client.create('MediaPipeline');
    const presenterEndpoint = await pipeline.create('WebRtcEndpoint');
    const presenter = await call(presenterEndpoint);
    const viewers = [];
    const firstFrameMs = [];
    for (let i = 0; i < 3; i += 1) {
      const endpoint = await pipeline.create('WebRtcEndpoint');
      await presenterEndpoint.connect(endpoint);
      const page = await call(endpoint, { recvonly: true });
      const received = await waitForFrames(page, 1, 20000, false);
      firstFrameMs.push(Math.round(received.sinceConnectedMs));
      viewers.push({ endpoint, page });
    }
    console.log(`first frame after a viewer connected (ms): ${firstFrameMs.join(', ')}`);
    // Chrome sends VP8 keyframes rarely (minutes apart); a viewer decodes within seconds only
    // because its arrival requested one from the presenter (PLI). The 1 s target is measured by
    // bench/webrtc (timing targets live in benchmarks; this 2-core CI box is shared).
    for (const ms of firstFrameMs) assert.ok(ms < 3000, `first frame after ${ms} ms`);
    for (const { page } of viewers) await waitForFrames(page, 30);
    assert.equal(await viewers[0].endpoint.isMediaTranscoding('VIDEO'), false);

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

  it('RTP to WebRTC: an RTP sender reaches a browser viewer, and the browser reaches an RTP receiver', async () => {
    const pipeline = await client.create('MediaPipeline');
    const rtpIn = await pipeline.create('RtpEndpoint');
    const viewerEndpoint = await pipeline.create('WebRtcEndpoint');
    await rtpIn.connect(viewerEndpoint);
    const answer = await rtpIn.processOffer(sdpOffer({ media: [
      { type: 'video', pt: 96, rtpmap: 'VP8/90000', port: 5000, direction: 'sendonly' }] }));
    const media = sender('VP8', mediaPort(answer, 'video'));
    const viewer = await call(viewerEndpoint, { recvonly: true });
    await waitForFrames(viewer, 30, 20000, false);

    const browserEndpoint = await pipeline.create('WebRtcEndpoint');
    const rtpOut = await pipeline.create('RtpEndpoint');
    await browserEndpoint.connect(rtpOut);
    const port = await freeUdpPort();
    const decoded = receiver('VP8', port);
    await rtpOut.processOffer(sdpOffer({ media: [
      { type: 'video', pt: 96, rtpmap: 'VP8/90000', port, direction: 'recvonly' }] }));
    const camera = await call(browserEndpoint);
    try {
      assert.equal(await exitWithin(decoded, 20000), 0, decoded.output());
    } finally {
      media.kill('SIGKILL');
    }
    await viewer.close();
    await camera.close();
    await pipeline.release();
  });

  it('connects through a TURN relay only (coturn, iceTransportPolicy relay)', async () => {
    const turn = await startCoturn();
    try {
      const pipeline = await client.create('MediaPipeline');
      const webRtc = await pipeline.create('WebRtcEndpoint');
      await webRtc.setTurnUrl(`${turn.user}:${turn.password}@127.0.0.1:${turn.port}?transport=udp`);
      assert.equal(await webRtc.getTurnUrl(), `${turn.user}:${turn.password}@127.0.0.1:${turn.port}?transport=udp`);
      await webRtc.connect(webRtc);
      const page = await call(webRtc, { relayOnly: true, iceServers: [{
        urls: `turn:127.0.0.1:${turn.port}?transport=udp`, username: turn.user, credential: turn.password }] });
      const received = await waitForFrames(page, 30);
      assert.equal(received.relayed, true, 'the browser must use its relay candidate');
      assert.match(turn.output(), /ALLOCATE processed, success/);
      await page.close();
      await pipeline.release();
    } finally {
      turn.stop();
    }
  });

  it('passes data channel messages between two browsers through their endpoints', async () => {
    const pipeline = await client.create('MediaPipeline');
    const a = await pipeline.create('WebRtcEndpoint', { useDataChannels: true });
    const b = await pipeline.create('WebRtcEndpoint', { useDataChannels: true });
    const opened = new Promise((resolve) => b.once('DataChannelOpened', resolve));
    await a.connect(b);
    await b.connect(a);
    const pageA = await call(a, { dataChannel: 'chat' });
    const pageB = await call(b, { dataChannel: 'chat' });
    assert.ok(Number.isInteger((await opened).channelId));
    for (const page of [pageA, pageB]) {
      const deadline = Date.now() + 10000;
      while (await page.evaluate(() => window.channelState()) !== 'open' && Date.now() < deadline) await sleep(100);
    }
    await sleep(500);
    await pageA.evaluate(() => window.sendData('hello from A'));
    await pageB.evaluate(() => window.sendData('hello from B'));
    const deadline = Date.now() + 10000;
    let inA = [];
    let inB = [];
    while (Date.now() < deadline && !(inA.length && inB.length)) {
      inA = await pageA.evaluate(() => window.messages);
      inB = await pageB.evaluate(() => window.messages);
      await sleep(100);
    }
    assert.deepEqual(inB, ['hello from A']);
    assert.deepEqual(inA, ['hello from B']);
    await pageA.close();
    await pageB.close();
    await pipeline.release();
  });

  it('completes DTLS with a certificate of the requested key type (RSA or ECDSA)', async () => {
    // Media flowing proves the browser verified the certificate against the fingerprint we
    // announced; tests/modules/elements/CertificatesTest checks the key types themselves.
    const announced = {};
    for (const keyType of ['RSA', 'ECDSA', 'RSA']) {
      const pipeline = await client.create('MediaPipeline');
      const webRtc = await pipeline.create('WebRtcEndpoint', { certificateKeyType: keyType });
      await webRtc.connect(webRtc);
      const page = await call(webRtc);
      await waitForFrames(page, 5);
      const fingerprint = (await webRtc.getLocalSessionDescriptor()).match(/a=fingerprint:sha-256 (\S+)/)[1];
      if (announced[keyType]) assert.equal(fingerprint, announced[keyType], 'one certificate per key type');
      announced[keyType] = fingerprint;
      await page.close();
      await pipeline.release();
    }
    assert.notEqual(announced.RSA, announced.ECDSA);
  });

  it('announces externalIPv4 in its host candidates', async () => {
    const pipeline = await client.create('MediaPipeline');
    const webRtc = await pipeline.create('WebRtcEndpoint');
    await webRtc.setExternalIPv4('203.0.113.7');
    assert.equal(await webRtc.getExternalIPv4(), '203.0.113.7');
    const candidates = [];
    webRtc.on('IceCandidateFound', (event) => candidates.push(event.candidate.candidate));
    const done = new Promise((resolve) => webRtc.once('IceGatheringDone', resolve));
    const page = await call(webRtc);
    await done;
    const ipv4Hosts = candidates.filter((c) => / typ host/.test(c) && !/ [0-9a-f]*:[0-9a-f:]+ \d+ typ/.test(c));
    assert.ok(ipv4Hosts.length > 0, candidates.join('\n'));
    for (const candidate of ipv4Hosts) assert.match(candidate, / 203\.0\.113\.7 \d+ typ host/);
    await page.close();
    await pipeline.release();
  });

  it('maxVideoRecvBandwidth caps what the browser sends (b=AS in the answer)', async () => {
    const pipeline = await client.create('MediaPipeline');
    const webRtc = await pipeline.create('WebRtcEndpoint');
    await webRtc.setMaxVideoRecvBandwidth(60);
    await webRtc.connect(webRtc);
    const page = await call(webRtc);
    assert.match(await webRtc.getLocalSessionDescriptor(), /m=video[^]*?\r\nb=AS:60\r\n/);
    await waitForFrames(page, 10);
    const sentBytes = () => page.evaluate(async () => {
      let bytes = 0;
      (await pc.getStats()).forEach((r) => { if (r.type === 'outbound-rtp' && r.kind === 'video') bytes += r.bytesSent; });
      return bytes;
    });
    const before = await sentBytes();
    await sleep(3000);
    const kbps = ((await sentBytes()) - before) * 8 / 3000;
    assert.ok(kbps > 5 && kbps < 95, `browser sends ${kbps.toFixed(0)} kbps of video with a 60 kbps cap (about 175 without)`);
    await page.close();
    await pipeline.release();
  });

  it('gathers host candidates on networkInterfaces only, and refuses unknown names', async () => {
    const pipeline = await client.create('MediaPipeline');
    const webRtc = await pipeline.create('WebRtcEndpoint');
    // kurento-client hands a method's error to its callback (the promise resolves regardless).
    const refused = await new Promise((resolve) => webRtc.setNetworkInterfaces('nosuchif0', resolve));
    assert.ok(refused && refused.code === 40107, String(refused));
    assert.match(refused.message, /no interface named nosuchif0 on this host \(it has .*lo/);
    await webRtc.setNetworkInterfaces('lo');
    assert.equal(await webRtc.getNetworkInterfaces(), 'lo');
    await webRtc.connect(webRtc);
    const candidates = [];
    webRtc.on('IceCandidateFound', (event) => candidates.push(event.candidate.candidate));
    const done = new Promise((resolve) => webRtc.once('IceGatheringDone', resolve));
    const page = await call(webRtc);
    await done;
    const hosts = candidates.filter((c) => / typ host/.test(c) && / udp /i.test(c));
    assert.ok(hosts.length > 0, candidates.join('\n'));
    for (const candidate of hosts) assert.match(candidate, / (127\.0\.0\.1|::1) \d+ typ host/);
    const received = await waitForFrames(page, 10);
    assert.ok(received.video.framesDecoded >= 10);
    await page.close();
    await pipeline.release();
  });

  it('transcodes for a viewer that takes only H.264 from a VP8 presenter', async () => {
    const pipeline = await client.create('MediaPipeline');
    const presenterEndpoint = await pipeline.create('WebRtcEndpoint');
    // (kurento-client 7 refuses the 6.x name 'MediaTranscodingStateChange' itself; the server
    // answers it like every 6.x "...StateChange" name, see protocol.test.js.)
    const events = { MediaTranscodingStateChanged: [] };
    await presenterEndpoint.on('MediaTranscodingStateChanged', (event) => events.MediaTranscodingStateChanged.push(event));
    const presenter = await call(presenterEndpoint, { codec: 'VP8' });
    const viewerEndpoint = await pipeline.create('WebRtcEndpoint');
    await presenterEndpoint.connect(viewerEndpoint);
    const viewer = await call(viewerEndpoint, { recvonly: true, codec: 'H264' });
    const received = await waitForFrames(viewer, 30, 20000, false);
    assert.equal(received[received.video.codecId], 'video/H264');
    for (const [name, list] of Object.entries(events)) {
      const video = list.filter((e) => e.mediaType === 'VIDEO');
      assert.ok(video.some((e) => e.state === 'TRANSCODING' && e.binName), `${name}: ${JSON.stringify(list)}`);
      assert.equal(await presenterEndpoint.isMediaTranscoding('VIDEO', video[video.length - 1].binName), true);
    }
    // The presenter's output is transcoded (once per target format, shared by its sinks).
    assert.equal(await presenterEndpoint.isMediaTranscoding('VIDEO'), true);
    assert.equal(await viewerEndpoint.isMediaTranscoding('VIDEO'), false);

    // min/maxVideoSendBandwidth bound what the encoder of a second such viewer produces,
    // whatever the browser's REMB says.
    const cappedEndpoint = await pipeline.create('WebRtcEndpoint');
    await cappedEndpoint.setMinVideoSendBandwidth(600);
    await cappedEndpoint.setMaxVideoSendBandwidth(800);
    await presenterEndpoint.connect(cappedEndpoint);
    const capped = await call(cappedEndpoint, { recvonly: true, codec: 'H264' });
    await waitForFrames(capped, 30, 20000, false);
    const target = async (endpoint) => {
      const stats = Object.values(await endpoint.getStats('VIDEO'));
      return Math.max(0, ...stats.filter((x) => x.type === 'outboundrtp').map((x) => x.targetBitrate || 0));
    };
    const free = await target(viewerEndpoint);
    const bounded = await target(cappedEndpoint);
    console.log(`H.264 encoder targets: ${free} bps (default), ${bounded} bps (600-800 kbps)`);
    assert.ok(free >= 100000 && free <= 500000, `default bounds 100-500 kbps: ${free}`);
    assert.ok(bounded >= 600000 && bounded <= 800000, `bounded to 600-800 kbps: ${bounded}`);
    await capped.close();
    await viewer.close();
    await presenter.close();
    await pipeline.release();
  });

  it('refuses an offer with no codec it can serve, naming them', async () => {
    const pipeline = await client.create('MediaPipeline');
    const webRtc = await pipeline.create('WebRtcEndpoint');
    const offer = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n' +
      'm=video 9 UDP/TLS/RTP/SAVPF 100\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=sendrecv\r\na=rtcp-mux\r\n' +
      'a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=setup:actpass\r\n' +
      'a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\n' +
      'a=rtpmap:100 H265/90000\r\n';
    const error = await new Promise((resolve) => webRtc.processOffer(offer, (e) => resolve(e)));
    assert.equal(error.code, 40205);
    assert.match(error.message, /offer has only H265 for video; supported video codecs: VP8, H264, VP9/);
    await pipeline.release();
  });

  it('a browser that offers only H.264 (as Safari does) loops back on H.264', async () => {
    const pipeline = await client.create('MediaPipeline');
    const webRtc = await pipeline.create('WebRtcEndpoint');
    await webRtc.connect(webRtc);
    const page = await call(webRtc, { codec: 'H264' });
    const answer = await webRtc.getLocalSessionDescriptor();
    assert.match(answer, /a=rtpmap:\d+ H264\/90000/);
    assert.doesNotMatch(answer, /VP8/);
    const received = await waitForFrames(page, 30);
    assert.equal(received[received.video.codecId], 'video/H264');
    assert.equal(await webRtc.isMediaTranscoding('VIDEO'), false);
    await page.close();
    await pipeline.release();
  });
});
