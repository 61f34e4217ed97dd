// BaseRtpEndpoint.conf.ini minPort/maxPort: RtpEndpoint's RTP/RTCP pairs and WebRtcEndpoint's
// ICE candidates stay in the range; a full range is a clear error that releasing frees; and the
// WebRtcEndpoint settings that take addresses refuse values that are not.
'use strict';

const assert = require('node:assert/strict');
const { after, before, describe, it } = require('node:test');

const { connect } = require('./lib/rpc');
const { startServer } = require('./lib/server');
const { sdpOffer, mediaPort } = require('./lib/gst');
const { freeUdpRange } = require('./lib/ports');

const PAIRS = 4;
const VP8 = { type: 'video', pt: 96, rtpmap: 'VP8/90000', port: 5000, direction: 'sendonly' };

describe('the media port range of BaseRtpEndpoint.conf.ini', () => {
  let server;
  let rpc;
  let minPort;
  let maxPort;

  before(async () => {
    minPort = await freeUdpRange(2 * PAIRS);
    maxPort = minPort + 2 * PAIRS - 1;
    server = await startServer({ ini: { 'BaseRtpEndpoint.conf.ini': `minPort=${minPort}\nmaxPort=${maxPort}\n` } });
    rpc = await connect(server.url);
  });

  after(async () => {
    if (rpc) await rpc.close();
    if (server) assert.equal(await server.stop(), 0, server.output());
  });

  const create = async (type, pipeline) =>
    (await rpc.call('create', { type, constructorParams: { mediaPipeline: pipeline } })).value;
  const offer = sdpOffer({ media: [VP8] });
  const processOffer = (endpoint) => rpc.request('invoke', { object: endpoint, operation: 'processOffer', operationParams: { offer } });

  it('gives RtpEndpoints RTP/RTCP pairs inside the range, and a clear error when it is full', async () => {
    const pipeline = (await rpc.call('create', { type: 'MediaPipeline' })).value;
    const endpoints = [];
    const ports = [];
    for (let i = 0; i < PAIRS; i += 1) {
      const endpoint = await create('RtpEndpoint', pipeline);
      const response = await processOffer(endpoint);
      assert.ok(response.result, JSON.stringify(response.error));
      const answer = response.result.value;
      const port = mediaPort(answer, 'video');
      assert.ok(port >= minPort && port + 1 <= maxPort && port % 2 === 0, `port ${port} outside ${minPort}-${maxPort}`);
      assert.match(answer, new RegExp(`a=rtcp:${port + 1}`));
      endpoints.push(endpoint);
      ports.push(port);
    }
    assert.equal(new Set(ports).size, PAIRS);
    const full = await create('RtpEndpoint', pipeline);
    const refused = await processOffer(full);
    assert.ok(refused.error, `a ${PAIRS + 1}th pair in ${minPort}-${maxPort}: ${JSON.stringify(refused.result)}`);
    assert.equal(refused.error.code, 40009);
    assert.match(refused.error.message, new RegExp(`no free pair of UDP ports in ${minPort}-${maxPort} \\(BaseRtpEndpoint\\.conf\\.ini\\)`));
    await rpc.call('release', { object: endpoints[0] });
    const again = await processOffer(full);
    assert.ok(again.result, JSON.stringify(again.error));
    assert.equal(mediaPort(again.result.value, 'video'), ports[0]);
    await rpc.call('release', { object: pipeline });
  });

  it('gathers WebRtcEndpoint host candidates on ports inside the range', async () => {
    const pipeline = (await rpc.call('create', { type: 'MediaPipeline' })).value;
    const webRtc = await create('WebRtcEndpoint', pipeline);
    for (const type of ['IceCandidateFound', 'IceGatheringDone']) {
      await rpc.call('subscribe', { object: webRtc, type });
    }
    await rpc.call('invoke', { object: webRtc, operation: 'generateOffer' });
    await rpc.call('invoke', { object: webRtc, operation: 'gatherCandidates' });
    await rpc.waitForEvent((e) => e.object === webRtc && e.type === 'IceGatheringDone', 10000);
    const candidates = rpc.events.filter((e) => e.object === webRtc && e.type === 'IceCandidateFound')
      .map((e) => e.data.candidate.candidate);
    const udpHosts = candidates.filter((c) => / udp /i.test(c) && / typ host/.test(c));
    assert.ok(udpHosts.length > 0, candidates.join('\n'));
    for (const candidate of udpHosts) {
      const port = Number(candidate.match(/ (\d+) typ host/)[1]);
      assert.ok(port >= minPort && port <= maxPort, `${candidate} outside ${minPort}-${maxPort}`);
    }
    await rpc.call('release', { object: pipeline });
  });

  it('refuses turnUrl, externalIPv4 and externalIPv6 values that are not what they name', async () => {
    const pipeline = (await rpc.call('create', { type: 'MediaPipeline' })).value;
    const webRtc = await create('WebRtcEndpoint', pipeline);
    const set = (operation, value) => rpc.request('invoke', { object: webRtc, operation, operationParams: { [operation.slice(3, 4).toLowerCase() + operation.slice(4)]: value } });
    const refusals = [
      ['setTurnUrl', 'turn.example.com', /turnUrl: no user:password@ before the host/],
      ['setTurnUrl', 'user:pw@turn.example.com:99999', /turnUrl: no host:port after the @/],
      ['setExternalIPv4', '2001:db8::1', /externalIPv4: '2001:db8::1' is not a numeric IPv4 address/],
      ['setExternalIPv6', 'public.example', /externalIPv6: 'public\.example' is not a numeric IPv6 address/],
    ];
    for (const [operation, value, message] of refusals) {
      const { error } = await set(operation, value);
      assert.ok(error, `${operation}(${value}) was accepted`);
      assert.equal(error.code, 40107);
      assert.match(error.message, message);
    }
    for (const [operation, value] of [['setTurnUrl', 'user:pw@192.0.2.5:3478?transport=tcp'],
      ['setExternalIPv4', '203.0.113.9'], ['setExternalIPv6', '2001:db8::9'], ['setExternalIPv4', '']]) {
      const { error } = await set(operation, value);
      assert.equal(error, undefined, `${operation}(${value}): ${JSON.stringify(error)}`);
    }
    await rpc.call('release', { object: pipeline });
  });
});
