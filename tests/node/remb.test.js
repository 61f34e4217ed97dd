// REMB from an RtpEndpoint, read on the wire by the RTP sender's side, while a tc bandwidth
// limit drops packets on the way to the server (which runs in a network namespace of its own).
'use strict';

const assert = require('node:assert/strict');
const dgram = require('node:dgram');
const { after, before, describe, it } = require('node:test');

const { connect } = require('./lib/rpc');
const { startServer } = require('./lib/server');
const { sender, sdpOffer, mediaPort } = require('./lib/gst');
const { createNetns, rembValues } = require('./lib/netns');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

describe('REMB for RTP senders under loss', () => {
  let netns;
  let server;
  let rpc;
  let rtcp;
  let media;

  before(async () => {
    netns = createNetns();
    server = await startServer({ netns: netns.name, host: netns.insideAddress });
    rpc = await connect(server.url);
    rtcp = dgram.createSocket('udp4');
    await new Promise((resolve) => rtcp.bind(0, netns.outsideAddress, resolve));
  });

  after(async () => {
    if (media) media.kill('SIGKILL');
    if (rtcp) rtcp.close();
    if (rpc) await rpc.close();
    if (server) assert.equal(await server.stop(), 0, server.output());
    if (netns) netns.destroy();
  });

  it('sends REMB that falls under loss and recovers after it', async () => {
    const pipeline = (await rpc.call('create', { type: 'MediaPipeline' })).value;
    const endpoint = (await rpc.call('create', { type: 'RtpEndpoint', constructorParams: { mediaPipeline: pipeline } })).value;
    await rpc.call('invoke', { object: endpoint, operation: 'setRembParams', operationParams: {
      rembParams: { packetsRecvIntervalTop: 20, rembOnConnect: 300000 } } });
    const seen = [];
    const started = Date.now();
    rtcp.on('message', (packet) => {
      for (const bps of rembValues(packet)) seen.push({ t: Date.now() - started, bps });
    });
    const offer = sdpOffer({ address: netns.outsideAddress, media: [{
      type: 'video', pt: 96, rtpmap: 'VP8/90000', port: 5000, proto: 'RTP/AVPF', direction: 'sendonly',
      extra: ['a=rtcp-fb:96 goog-remb', `a=rtcp:${rtcp.address().port}`] }] });
    const answer = (await rpc.call('invoke', { object: endpoint, operation: 'processOffer', operationParams: { offer } })).value;
    assert.match(answer, /a=rtcp-fb:96 goog-remb/);
    // Snow does not compress: vp8enc sends its full target bitrate (256 kbps).
    media = sender('VP8', mediaPort(answer, 'video'), { host: netns.insideAddress, pattern: 'snow' });

    await sleep(4000);
    const clean = seen.slice();
    netns.limitRate(100);
    await sleep(6000);
    const lossy = seen.slice(clean.length);
    netns.clearLimit();
    await sleep(8000);
    const recovered = seen.slice(clean.length + lossy.length);
    const values = (list) => list.map((s) => s.bps);
    const summary = `clean ${values(clean)}\nlossy ${values(lossy)}\nrecovered ${values(recovered)}`;

    assert.ok(clean.length >= 3 && lossy.length >= 3 && recovered.length >= 3, summary);
    assert.equal(clean[0].bps, 300000, `REMB starts at rembOnConnect\n${summary}`);
    const peakClean = Math.max(...values(clean));
    assert.ok(peakClean > 300000, `REMB grows without loss\n${summary}`);
    const lowLossy = Math.min(...values(lossy));
    assert.ok(lowLossy < peakClean * 0.6, `REMB falls when the link drops packets\n${summary}`);
    const lowest = Math.min(...values(lossy), ...values(recovered));
    const last = recovered[recovered.length - 1].bps;
    assert.ok(last > lowest * 1.2, `REMB recovers once the limit is gone\n${summary}`);
    console.log(summary);
    await rpc.call('release', { object: pipeline });
  });
});
