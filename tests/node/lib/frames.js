// Decoded video frames from the server: a gst-launch RTP receiver that writes raw RGB frames
// to its stdout, kept here so tests can check pixels.
'use strict';

const { spawn } = require('node:child_process');
const { waitUdpBound } = require('./ports');

const RTP_CAPS_VP8 = 'application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96';

// Receives VP8 on `port` and scales to width x height RGB; latest() is the last whole frame.
// Resolves once the receiver has bound its port: it sends no RTCP, so a keyframe sent before
// is lost for good (an encoder that makes keyframes only on request sends no other).
async function frameReceiver(port, width, height) {
  const frameBytes = width * height * 3;
  const child = spawn('gst-launch-1.0', ['-q', 'udpsrc', 'address=127.0.0.1', `port=${port}`,
    `caps=${RTP_CAPS_VP8}`, '!', 'rtpjitterbuffer', 'latency=50', '!', 'rtpvp8depay', '!',
    'vp8dec', '!', 'videoconvert', '!', 'videoscale', '!',
    `video/x-raw,format=RGB,width=${width},height=${height}`, '!', 'fdsink', 'fd=1'],
  { stdio: ['ignore', 'pipe', 'pipe'] });
  let pending = Buffer.alloc(0);
  let latest = null;
  let count = 0;
  let errors = '';
  child.stdout.on('data', (data) => {
    pending = Buffer.concat([pending, data]);
    while (pending.length >= frameBytes) {
      latest = pending.subarray(0, frameBytes);
      pending = pending.subarray(frameBytes);
      count += 1;
    }
  });
  child.stderr.on('data', (data) => { errors += data; });
  const pixel = (frame, x, y) => {
    const at = (y * width + x) * 3;
    return [frame[at], frame[at + 1], frame[at + 2]];
  };
  try {
    await waitUdpBound(port);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${error.message}: ${errors}`);
  }
  return {
    child,
    count: () => count,
    output: () => errors,
    latest: () => latest,
    pixel,
    // Resolves with the first frame, received after `afterCount` frames, for which
    // `check(frame)` is true; rejects with the last pixels seen after `timeoutMs`.
    async waitFor(check, { timeoutMs = 15000, afterCount = 0, describe = () => '' } = {}) {
      const deadline = Date.now() + timeoutMs;
      let seen = -1;
      while (Date.now() < deadline) {
        if (latest && count > afterCount && count !== seen) {
          seen = count;
          if (check(latest)) return latest;
        }
        await new Promise((resolve) => setTimeout(resolve, 30));
      }
      throw new Error(`no matching frame within ${timeoutMs} ms (${count} frames): ` +
        `${latest ? describe(latest) : 'none'}\n${errors}`);
    },
    stop: () => child.kill('SIGKILL'),
  };
}

// Colour tests on [r, g, b] after VP8 (chroma is subsampled and quantised).
const isMagenta = ([r, g, b]) => r > 170 && g < 100 && b > 170;
const isDark = ([r, g, b]) => r < 70 && g < 70 && b < 70;

module.exports = { frameReceiver, isMagenta, isDark };
