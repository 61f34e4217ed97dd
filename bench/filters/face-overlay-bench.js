// FaceOverlayFilter on 640x480 at 30 fps: a gst-launch sender shows a face (scikit-image's
// astronaut.png, see scripts/install-deps.sh) as VP8 (encoded beforehand) through a counting relay to RtpEndpoint A
// -> filter -> RtpEndpoint B -> a UDP counter of frames (RTP marker bits). Reports the frame
// rates in and out and the server's CPU (/proc) over the run, for the FaceOverlayFilter with its
// image set and, in the same run, for a GStreamerFilter running `videoconvert`: the same decode
// and re-encode without faces, so the difference is the face overlay's own cost.
// Usage: KMS_BINARY=... KMS_MODULES_PATH=... node face-overlay-bench.js [--seconds 20]
'use strict';

const { spawnSync } = require('node:child_process');
const dgram = require('node:dgram');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const tests = path.join(__dirname, '..', '..', 'tests', 'node');
const { connect } = require(path.join(tests, 'lib', 'rpc'));
const { startServer } = require(path.join(tests, 'lib', 'server'));
const { launch, sdpOffer, mediaPort } = require(path.join(tests, 'lib', 'gst'));
const { rgbaPng } = require(path.join(tests, 'lib', 'png'));
const { cpuSeconds, numberOption } = require(path.join(__dirname, '..', 'lib', 'common'));

const option = numberOption;
const SECONDS = option('seconds', 20);
const WARMUP_S = 2;
const FACE = path.join(tests, 'media', 'astronaut.png');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function run(server, rpc, clip, filterType, filterParams, setUp) {
  const invoke = async (object, operation, operationParams) =>
    (await rpc.call('invoke', { object, operation, operationParams })).value;
  const create = async (type, params) =>
    (await rpc.call('create', { type, constructorParams: params })).value;
  const pipeline = await create('MediaPipeline');
  const a = await create('RtpEndpoint', { mediaPipeline: pipeline });
  const b = await create('RtpEndpoint', { mediaPipeline: pipeline });
  const filter = await create(filterType, { mediaPipeline: pipeline, ...filterParams });
  await setUp(invoke, filter);
  await invoke(a, 'connect', { sink: filter });
  await invoke(filter, 'connect', { sink: b });
  const counter = dgram.createSocket('udp4');
  await new Promise((resolve) => counter.bind(0, '127.0.0.1', resolve));
  let frames = 0;
  counter.on('message', (packet) => { if (packet.length > 12 && (packet[1] & 0x80)) frames += 1; });
  await invoke(b, 'processOffer', { offer: sdpOffer({ media: [{ type: 'video', pt: 96,
    rtpmap: 'VP8/90000', port: counter.address().port, direction: 'recvonly' }] }) });
  const answer = await invoke(a, 'processOffer', { offer: sdpOffer({ media: [{ type: 'video',
    pt: 96, rtpmap: 'VP8/90000', port: 5000, direction: 'sendonly' }] }) });
  // The sender's frames are counted on their way in, so that frames the loaded machine's
  // sender did not make are not taken for frames the server dropped.
  const relay = dgram.createSocket('udp4');
  await new Promise((resolve) => relay.bind(0, '127.0.0.1', resolve));
  let framesIn = 0;
  const serverPort = mediaPort(answer, 'video');
  relay.on('message', (packet) => {
    if (packet.length > 12 && (packet[1] & 0x80)) framesIn += 1;
    relay.send(packet, serverPort, '127.0.0.1');
  });
  const sender = launch(`filesrc location=${clip} ! matroskademux ! rtpvp8pay pt=96 ! udpsink sync=true host=127.0.0.1 port=${relay.address().port}`);
  await sleep(WARMUP_S * 1000);
  const pid = server.process.pid;
  const cpuBefore = cpuSeconds(pid);
  const framesBefore = frames;
  const framesInBefore = framesIn;
  const started = Date.now();
  await sleep(SECONDS * 1000);
  const seconds = (Date.now() - started) / 1000;
  const cpu = cpuSeconds(pid) - cpuBefore;
  const fps = (frames - framesBefore) / seconds;
  const fpsIn = (framesIn - framesInBefore) / seconds;
  sender.kill('SIGKILL');
  counter.close();
  relay.close();
  await rpc.call('release', { object: pipeline });
  return { fps, fpsIn, cpuShare: (100 * cpu) / seconds };
}

(async () => {
  if (!fs.existsSync(FACE)) throw new Error(`${FACE} is missing: run scripts/install-deps.sh --tests`);
  // The clip is encoded once beforehand, so that the sender only paces packets: a sender that
  // encodes live competes for the CPU with the server and makes fewer frames.
  const clip = path.join(os.tmpdir(), `kms-face-bench-${process.pid}.webm`);
  const frames = (SECONDS + WARMUP_S + 3) * 30;
  const encoded = spawnSync('gst-launch-1.0', ['-q', 'filesrc', `location=${FACE}`, '!', 'pngdec', '!',
    'imagefreeze', `num-buffers=${frames}`, '!', 'videoconvert', '!', 'videoscale', 'add-borders=true', '!',
    'video/x-raw,width=640,height=480,pixel-aspect-ratio=1/1,framerate=30/1', '!', 'videoconvert', '!',
    'vp8enc', 'deadline=1', 'cpu-used=8', 'keyframe-max-dist=30', 'target-bitrate=1000000', '!',
    'webmmux', '!', 'filesink', `location=${clip}`], { encoding: 'utf8' });
  if (encoded.status !== 0) throw new Error(`cannot encode the clip: ${encoded.stderr}`);
  const hat = rgbaPng(64, 64, () => [255, 0, 255, 255]);
  const images = http.createServer((request, response) => { response.end(hat); });
  await new Promise((resolve) => images.listen(0, '127.0.0.1', resolve));
  const server = await startServer();
  const rpc = await connect(server.url);
  const bare = await run(server, rpc, clip, 'GStreamerFilter', { command: 'videoconvert' }, async () => {});
  const face = await run(server, rpc, clip, 'FaceOverlayFilter', {}, (invoke, filter) =>
    invoke(filter, 'setOverlayedImage', { uri: `http://127.0.0.1:${images.address().port}/hat.png`,
      offsetXPercent: -0.35, offsetYPercent: -1.2, widthPercent: 1.6, heightPercent: 1.6 }));
  await rpc.close();
  await server.stop();
  images.close();
  fs.rmSync(clip, { force: true });
  console.log(`face_overlay_input               640x480 VP8 at 30 fps, a face in view, ${SECONDS} s`);
  console.log(`face_overlay_input_fps           ${face.fpsIn.toFixed(1)} (what the sender made)`);
  console.log(`face_overlay_output_fps          ${face.fps.toFixed(1)}`);
  console.log(`face_overlay_server_cpu_share    ${face.cpuShare.toFixed(1)}% of one core` +
    ` (${(face.cpuShare * 30 / face.fpsIn).toFixed(1)}% scaled to 30 fps in)`);
  console.log(`decode_encode_only_input_fps     ${bare.fpsIn.toFixed(1)}`);
  console.log(`decode_encode_only_output_fps    ${bare.fps.toFixed(1)} (GStreamerFilter videoconvert)`);
  console.log(`decode_encode_only_cpu_share     ${bare.cpuShare.toFixed(1)}% of one core` +
    ` (${(bare.cpuShare * 30 / bare.fpsIn).toFixed(1)}% scaled to 30 fps in)`);
  console.log(`face_overlay_own_cpu_share       ${(face.cpuShare - bare.cpuShare).toFixed(1)}% of one core`);
  process.exit(face.fps > 0 && bare.fps > 0 ? 0 : 1);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
