// PlayerEndpoint -> RecorderEndpoint remux (useEncodedMedia, MP4 to MP4: H.264 and Opus kept)
// of a long 720p file, against gst-launch-1.0 doing the same remux on the same machine in the
// same run: CPU seconds (utime + stime from /proc and the shell's `times`) and wall time. The
// player plays in real time, so gst-launch runs three times: as fast as it can (its least CPU),
// with only the file writes paced by the clock (filesink sync=true: the muxer's output), and
// with each stream paced by the clock before the muxer (clocksync), which is what a player
// does: every buffer waits for its time. The last one is the same work as the server's.
// Usage: KMS_BINARY=... KMS_MODULES_PATH=... node remux-bench.js [--seconds 60] [--height 720]
'use strict';

const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { promisify } = require('node:util');

const tests = path.join(__dirname, '..', '..', 'tests', 'node');
const kurentoClient = require(path.join(tests, 'node_modules', 'kurento-client'));
const { startServer } = require(path.join(tests, 'lib', 'server'));
const { probe } = require(path.join(tests, 'lib', 'media'));
const { nextEvent } = require(path.join(tests, 'lib', 'calls'));
const { cpuSeconds, numberOption } = require(path.join(__dirname, '..', 'lib', 'common'));

const run = promisify(execFile);
const option = numberOption;
const SECONDS = option('seconds', 60);
const HEIGHT = option('height', 720);
const WIDTH = Math.round((HEIGHT * 16) / 9 / 2) * 2;

async function makeInput(dir) {
  const file = path.join(dir, 'input.mp4');
  const frames = SECONDS * 30;
  await run('gst-launch-1.0', ['-q', '-e', ...(`videotestsrc num-buffers=${frames} pattern=ball ! ` +
    `video/x-raw,width=${WIDTH},height=${HEIGHT},framerate=30/1 ! openh264enc complexity=low gop-size=60 bitrate=2000000 ! ` +
    `h264parse ! mp4mux name=m ! filesink location=${file} audiotestsrc num-buffers=${Math.round((SECONDS * 48000) / 1024)} ` +
    'samplesperbuffer=1024 ! audio/x-raw,rate=48000,channels=2 ! opusenc ! m.').split(' ')],
  { maxBuffer: 16 * 1024 * 1024 });
  return file;
}

// gst-launch's own remux. pacing: 'none' (as fast as it can), 'writes' (filesink syncs the
// muxer's output to the clock), 'streams' (each stream waits for its time, like a player).
async function gstRemux(input, output, pacing) {
  const clock = pacing === 'streams' ? ' ! clocksync' : '';
  const pipeline = `gst-launch-1.0 -q -e filesrc location=${input} ! qtdemux name=d ` +
    `d.video_0 ! queue ! h264parse${clock} ! mp4mux fragment-duration=1000 name=m ! ` +
    `filesink sync=${pacing === 'writes'} location=${output} d.audio_0 ! queue ! opusparse${clock} ! m.`;
  const started = Date.now();
  const { stdout } = await run('bash', ['-c', `${pipeline} >/dev/null; times`]);
  const wall = (Date.now() - started) / 1000;
  // `times`: the shell's own line, then its children's "user sys" ("0m1.23s 0m0.45s").
  const children = stdout.trim().split('\n').pop().split(/\s+/).map((t) => {
    const [, m, s] = /(\d+)m([\d.]+)s/.exec(t);
    return Number(m) * 60 + Number(s);
  });
  return { cpu: children[0] + children[1], wall };
}

async function serverRemux(input, output) {
  const server = await startServer();
  try {
    const client = await kurentoClient(server.url, { failAfter: 2 });
    const pipeline = await client.create('MediaPipeline');
    const player = await pipeline.create('PlayerEndpoint', { uri: `file://${input}`, useEncodedMedia: true });
    const recorder = await pipeline.create('RecorderEndpoint', { uri: `file://${output}`,
      mediaProfile: 'MP4', stopOnEndOfStream: true });
    await player.connect(recorder);
    const stopped = nextEvent(recorder, 'Stopped', (SECONDS + 30) * 1000);
    await recorder.record();
    const cpuBefore = cpuSeconds(server.process.pid);
    const started = Date.now();
    await player.play();
    await stopped;
    const wall = (Date.now() - started) / 1000;
    const cpu = cpuSeconds(server.process.pid) - cpuBefore;
    const transcoding = await recorder.isMediaTranscoding('VIDEO') || await recorder.isMediaTranscoding('AUDIO');
    await pipeline.release();
    client.close();
    return { cpu, wall, transcoding };
  } finally {
    await server.stop();
  }
}

(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kms-remux-'));
  try {
    const input = await makeInput(dir);
    const ours = await serverRemux(input, path.join(dir, 'ours.mp4'));
    const fast = await gstRemux(input, path.join(dir, 'gst-fast.mp4'), 'none');
    const paced = await gstRemux(input, path.join(dir, 'gst-paced.mp4'), 'writes');
    const player = await gstRemux(input, path.join(dir, 'gst-player.mp4'), 'streams');
    const [inInfo, ourInfo, gstInfo] = await Promise.all(['input.mp4', 'ours.mp4', 'gst-fast.mp4']
      .map((name) => probe(path.join(dir, name))));
    const fmt = (x) => x.toFixed(2);
    console.log(`remux of ${SECONDS} s ${WIDTH}x${HEIGHT} H.264 + Opus (MP4 -> MP4), input ${JSON.stringify(inInfo.codecs)} ${fmt(inInfo.duration)} s`);
    console.log(`  server (player -> recorder): CPU ${fmt(ours.cpu)} s, wall ${fmt(ours.wall)} s, transcoding ${ours.transcoding ? 'yes' : 'no'}, file ${JSON.stringify(ourInfo.codecs)} ${fmt(ourInfo.duration)} s`);
    console.log(`  gst-launch as fast as it can: CPU ${fmt(fast.cpu)} s, wall ${fmt(fast.wall)} s, file ${JSON.stringify(gstInfo.codecs)} ${fmt(gstInfo.duration)} s`);
    console.log(`  gst-launch, file writes paced by the clock: CPU ${fmt(paced.cpu)} s, wall ${fmt(paced.wall)} s`);
    console.log(`  gst-launch, each stream paced like a player (clocksync): CPU ${fmt(player.cpu)} s, wall ${fmt(player.wall)} s`);
    console.log(`  CPU ratio server / gst-launch: ${fmt(ours.cpu / fast.cpu)} (fast), ${fmt(ours.cpu / paced.cpu)} (writes paced), ` +
      `${fmt(ours.cpu / player.cpu)} (streams paced: the same work); target <= 1.2 for the same work`);
    if (ours.transcoding || ourInfo.codecs.join() !== inInfo.codecs.join()) {
      throw new Error('the server transcoded or lost a stream');
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
