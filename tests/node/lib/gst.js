// Real RTP peers for the tests: gst-launch-1.0 senders and receivers on loopback.
'use strict';

const { spawn } = require('node:child_process');
const dgram = require('node:dgram');

const { freeUdpPort } = require('./ports');

const RTP_CAPS = {
  VP8: 'application/x-rtp,media=video,clock-rate=90000,encoding-name=VP8,payload=96',
  H264: 'application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=103',
  OPUS: 'application/x-rtp,media=audio,clock-rate=48000,encoding-name=OPUS,payload=111',
};

const DECODE = {
  VP8: 'rtpvp8depay ! vp8dec',
  H264: 'rtph264depay ! decodebin',  // waits for SPS/PPS before it picks the decoder
  OPUS: 'rtpopusdepay ! opusdec',
};

const ENCODE = {
  VP8: 'vp8enc deadline=1 keyframe-max-dist=30 ! rtpvp8pay pt=96',
  H264: 'openh264enc complexity=low gop-size=30 ! h264parse ! rtph264pay pt=103 config-interval=-1',
  OPUS: 'opusenc ! rtpopuspay pt=111',
};

function launch(description) {
  const child = spawn('gst-launch-1.0', ['-q', ...description.split(' ')],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  child.output = () => output;
  child.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  return child;
}

// Sends test video (or audio) in `codec` to host:port from `bindPort`; optional SRTP.
function sender(codec, port, { bindPort = 0, srtp = null, host = '127.0.0.1', pattern = 'ball' } = {}) {
  const source = codec === 'OPUS' ? 'audiotestsrc is-live=true wave=ticks'
    : `videotestsrc is-live=true pattern=${pattern} ! video/x-raw,width=320,height=240,framerate=30/1`;
  const encrypt = srtp ? ` ! srtpenc key=${srtp.hex} rtp-cipher=${srtp.cipher} rtp-auth=${srtp.auth} rtcp-cipher=${srtp.cipher} rtcp-auth=${srtp.auth}` : '';
  return launch(`${source} ! ${ENCODE[codec]}${encrypt} ! udpsink host=${host} port=${port} bind-port=${bindPort}`);
}

// Receives `codec` on `port`, decodes, and exits 0 after `frames` decoded buffers.
function receiver(codec, port, frames = 30, address = '0.0.0.0') {
  return launch(`udpsrc address=${address} port=${port} caps=${RTP_CAPS[codec]} ! rtpjitterbuffer latency=50 ! ${DECODE[codec]} ! identity eos-after=${frames} ! fakesink`);
}

// Resolves with the exit code, or 'timeout' (and kills it) after `ms`.
async function exitWithin(child, ms) {
  let timer;
  const result = await Promise.race([
    child.exited,
    new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), ms); }),
  ]);
  clearTimeout(timer);
  if (result === 'timeout') child.kill('SIGKILL');
  return result;
}

// A symmetric NAT stand-in: what arrives on `inside` goes to `target` from `outside`; what
// arrives on `outside` goes to `insideTarget`.
async function natRelay(target, insideTarget) {
  const inside = dgram.createSocket('udp4');
  const outside = dgram.createSocket('udp4');
  await Promise.all([inside, outside].map((s) => new Promise((r) => s.bind(0, '127.0.0.1', r))));
  inside.on('message', (msg) => outside.send(msg, target.port, target.host));
  outside.on('message', (msg) => inside.send(msg, insideTarget.port, insideTarget.host));
  return {
    insidePort: inside.address().port,
    outsidePort: outside.address().port,
    close: () => { inside.close(); outside.close(); },
  };
}

function sdpOffer({ media = [], address = '127.0.0.1' }) {
  const type = address.includes(':') ? 'IP6' : 'IP4';
  let sdp = `v=0\r\no=- 1 0 IN ${type} ${address}\r\ns=test peer\r\nc=IN ${type} ${address}\r\nt=0 0\r\n`;
  for (const m of media) {
    const proto = m.proto || 'RTP/AVP';
    sdp += `m=${m.type} ${m.port} ${proto} ${m.pt}\r\na=rtpmap:${m.pt} ${m.rtpmap}\r\n`;
    if (m.fmtp) sdp += `a=fmtp:${m.pt} ${m.fmtp}\r\n`;
    if (m.crypto) sdp += `a=crypto:${m.crypto}\r\n`;
    for (const line of m.extra || []) sdp += `${line}\r\n`;
    sdp += `a=${m.direction || 'sendrecv'}\r\n`;
  }
  return sdp;
}

function mediaPort(sdp, type) {
  const match = sdp.match(new RegExp(`m=${type} (\\d+) `));
  return match ? Number(match[1]) : null;
}

module.exports = { sender, receiver, exitWithin, natRelay, sdpOffer, mediaPort, launch, freeUdpPort };

// ffmpeg sending H.264 (libx264, constrained baseline) and Opus as two RTP streams; with
// `srtpKey` (30 bytes) both are SRTP AES_CM_128_HMAC_SHA1_80.
function ffmpegSender({ videoPort, audioPort, srtpKey = null }) {
  const scheme = srtpKey ? 'srtp' : 'rtp';
  const srtp = srtpKey ? ['-srtp_out_suite', 'AES_CM_128_HMAC_SHA1_80',
    '-srtp_out_params', srtpKey.toString('base64')] : [];
  const args = ['-hide_banner', '-loglevel', 'error', '-re',
    '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=30',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-map', '0:v', '-c:v', 'libx264', '-profile:v', 'baseline', '-preset', 'ultrafast',
    '-tune', 'zerolatency', '-g', '30', '-pix_fmt', 'yuv420p', '-x264-params', 'repeat-headers=1', '-payload_type', '103', ...srtp,
    '-f', 'rtp', `${scheme}://127.0.0.1:${videoPort}`,
    '-map', '1:a', '-c:a', 'libopus', '-payload_type', '111', ...srtp,
    '-f', 'rtp', `${scheme}://127.0.0.1:${audioPort}`];
  const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  child.output = () => output;
  child.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  return child;
}

module.exports.ffmpegSender = ffmpegSender;
