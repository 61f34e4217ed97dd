// RTP -> RTP forwarding cost of the server: N live gst-launch senders (VP8 of noise, about
// 2 Mbps each) into RtpEndpoint A -> RtpEndpoint B -> a UDP counter; the server's CPU time
// (/proc) over the run gives packets forwarded per CPU-second, for plain RTP and for SRTP on
// both legs (the SRTP share is the difference).
// Usage: KMS_BINARY=... KMS_MODULES_PATH=... node rtp-bench.js [--streams 4] [--seconds 10]
'use strict';

const crypto = require('node:crypto');
const dgram = require('node:dgram');
const path = require('node:path');

const tests = path.join(__dirname, '..', '..', 'tests', 'node');
const { connect } = require(path.join(tests, 'lib', 'rpc'));
const { startServer } = require(path.join(tests, 'lib', 'server'));
const { launch, sdpOffer, mediaPort } = require(path.join(tests, 'lib', 'gst'));
const { cpuSeconds, numberOption } = require(path.join(__dirname, '..', 'lib', 'common'));

const option = numberOption;
const STREAMS = option('streams', 4);
const SECONDS = option('seconds', 10);
const SUITE = 'AES_CM_128_HMAC_SHA1_80';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function run(secure) {
  const server = await startServer();
  const rpc = await connect(server.url);
  const invoke = async (object, operation, operationParams) =>
    (await rpc.call('invoke', { object, operation, operationParams })).value;
  const counter = dgram.createSocket('udp4');
  await new Promise((resolve) => counter.bind(0, '127.0.0.1', resolve));
  let forwarded = 0;
  counter.on('message', () => { forwarded += 1; });
  const senders = [];
  const keys = [];
  for (let i = 0; i < STREAMS; i += 1) {
    const pipeline = (await rpc.call('create', { type: 'MediaPipeline' })).value;
    const create = async () => (await rpc.call('create', { type: 'RtpEndpoint',
      constructorParams: { mediaPipeline: pipeline } })).value;
    const a = await create();
    const b = await create();
    await invoke(a, 'connect', { sink: b });
    const key = crypto.randomBytes(30);
    const srtp = secure ? { proto: 'RTP/SAVP', crypto: `1 ${SUITE} inline:${key.toString('base64')}` } : {};
    await invoke(b, 'processOffer', { offer: sdpOffer({ media: [{ type: 'video', pt: 96,
      rtpmap: 'VP8/90000', port: counter.address().port, direction: 'recvonly', ...srtp }] }) });
    const answer = await invoke(a, 'processOffer', { offer: sdpOffer({ media: [{ type: 'video',
      pt: 96, rtpmap: 'VP8/90000', port: 5000, direction: 'sendonly', ...srtp }] }) });
    keys.push({ key, port: mediaPort(answer, 'video') });
  }
  const pid = server.process.pid;
  const cpuBefore = cpuSeconds(pid);
  const started = Date.now();
  for (const { key, port } of keys) {
    const encrypt = secure ? ` ! srtpenc key=${key.toString('hex')}` : '';
    senders.push(launch(`videotestsrc is-live=true pattern=snow num-buffers=${SECONDS * 30} ! video/x-raw,width=320,height=240,framerate=30/1 ! vp8enc deadline=1 cpu-used=16 target-bitrate=2000000 keyframe-max-dist=30 ! rtpvp8pay pt=96 mtu=1200${encrypt} ! udpsink host=127.0.0.1 port=${port}`));
  }
  await Promise.all(senders.map((child) => child.exited));
  await sleep(300);
  const seconds = (Date.now() - started) / 1000;
  const cpu = cpuSeconds(pid) - cpuBefore;
  counter.close();
  await rpc.close();
  if (process.env.KMS_BENCH_VERBOSE) console.log(server.output());
  await server.stop();
  return { forwarded, seconds, cpu };
}

(async () => {
  const results = {};
  for (const secure of [false, true]) {
    const { forwarded, seconds, cpu } = await run(secure);
    const name = secure ? 'srtp' : 'rtp';
    results[name] = forwarded / cpu;
    console.log(`${name}_streams                 ${STREAMS}`);
    console.log(`${name}_packets_forwarded_per_s ${(forwarded / seconds).toFixed(0)}`);
    console.log(`${name}_server_cpu_share       ${(100 * cpu / seconds).toFixed(1)}% of one core`);
    console.log(`${name}_packets_per_cpu_second ${(forwarded / cpu).toFixed(0)}`);
  }
  const share = 100 * (1 - results.srtp / results.rtp);
  console.log(`srtp_cpu_share_of_forwarding  ${share.toFixed(1)}% (decrypt on A + encrypt on B)`);
  process.exit(0);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
