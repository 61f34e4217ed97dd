// Media for the player and recorder tests, made at test time (nothing is committed): files
// written by gst-launch-1.0 and ffmpeg, an HTTP server for them (with Range requests, so they
// are seekable), a real RTSP server, and ffprobe to read what the recorder wrote.
'use strict';

const { execFile, execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const os = require('node:os');
const path = require('node:path');
const { promisify } = require('node:util');

const { freeTcpPort } = require('./ports');

const run = promisify(execFile);

const VIDEO = (seconds, pattern = 'smpte') =>
  `videotestsrc num-buffers=${seconds * 30} pattern=${pattern} ! video/x-raw,width=320,height=240,framerate=30/1`;
const AUDIO = (seconds) =>
  `audiotestsrc num-buffers=${Math.round((seconds * 48000) / 1024)} samplesperbuffer=1024 ! audio/x-raw,rate=48000,channels=2`;
const H264 = 'openh264enc complexity=low gop-size=30 ! h264parse';

// name -> [pipeline writing OUT (gst-launch text), description].
const FORMATS = {
  'vp8-opus.webm': (s) => `${VIDEO(s)} ! vp8enc deadline=1 keyframe-max-dist=30 ! webmmux name=m ! filesink location=OUT ${AUDIO(s)} ! opusenc ! m.`,
  'h264-opus.mp4': (s) => `${VIDEO(s)} ! ${H264} ! mp4mux name=m ! filesink location=OUT ${AUDIO(s)} ! opusenc ! m.`,
  'h264-opus.mkv': (s) => `${VIDEO(s)} ! ${H264} ! matroskamux name=m ! filesink location=OUT ${AUDIO(s)} ! opusenc ! m.`,
  'h264-mp3.mov': (s) => `${VIDEO(s)} ! ${H264} ! qtmux name=m ! filesink location=OUT ${AUDIO(s)} ! lamemp3enc ! m.`,
  'theora-vorbis.ogg': (s) => `${VIDEO(s)} ! theoraenc ! oggmux name=m ! filesink location=OUT ${AUDIO(s)} ! audioconvert ! vorbisenc ! m.`,
  'vp8.webm': (s) => `${VIDEO(s)} ! vp8enc deadline=1 keyframe-max-dist=30 ! webmmux ! filesink location=OUT`,
  'opus.webm': (s) => `${AUDIO(s)} ! opusenc ! webmmux ! filesink location=OUT`,
};

// Writes `dir`/`name`, one of the FORMATS, `seconds` long.
function makeMediaFile(dir, name, seconds, as = name) {
  const description = FORMATS[name](seconds).replace('OUT', path.join(dir, as));
  return run('gst-launch-1.0', ['-q', '-e', ...description.split(' ')]);
}

// Writes every format (of `seconds` s) plus raw H.264 and a corrupt file into a new folder.
async function makeMediaFiles(seconds = 3) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kms-media-'));
  await Promise.all(Object.keys(FORMATS).map((name) => makeMediaFile(dir, name, seconds)));
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i',
    `testsrc=size=320x240:rate=30:duration=${seconds}`, '-c:v', 'libx264', '-profile:v', 'baseline',
    '-pix_fmt', 'yuv420p', '-g', '30', '-f', 'h264', path.join(dir, 'raw.h264')]);
  fs.writeFileSync(path.join(dir, 'corrupt.webm'), Buffer.alloc(64 * 1024, 'not a media file '));
  return dir;
}

// Serves `dir` on 127.0.0.1 with Range support; unknown names get 404. Resolves { url, close }.
// A self-signed certificate for 127.0.0.1, made with openssl in `dir`: { key, cert, certFile }.
function makeCertificate(dir) {
  const keyFile = path.join(dir, 'https-key.pem');
  const certFile = path.join(dir, 'https-cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
  return { key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile), certFile };
}

// Serves `dir` over HTTP with Range support; with { tls: { key, cert } }, over HTTPS.
async function serveFiles(dir, { tls = null } = {}) {
  const handler = (request, response) => {
    const file = path.join(dir, path.basename(decodeURIComponent(request.url.split('?')[0])));
    if (!fs.existsSync(file)) {
      response.writeHead(404, { 'Content-Type': 'text/plain' });
      response.end('not found');
      return;
    }
    const size = fs.statSync(file).size;
    const range = /bytes=(\d*)-(\d*)/.exec(request.headers.range || '');
    if (range) {
      const start = range[1] ? Number(range[1]) : 0;
      const end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      response.writeHead(206, { 'Content-Range': `bytes ${start}-${end}/${size}`,
        'Accept-Ranges': 'bytes', 'Content-Length': end - start + 1 });
      fs.createReadStream(file, { start, end }).pipe(response);
      return;
    }
    response.writeHead(200, { 'Accept-Ranges': 'bytes', 'Content-Length': size });
    fs.createReadStream(file).pipe(response);
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  const port = await freeTcpPort();
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`, close: () => server.close() };
}

// Starts tests/node/lib/rtsp-server.py; resolves { url, port, stop() } once it listens.
async function startRtspServer({ port = null, protocols = 'any', codec = 'VP8' } = {}) {
  const listenPort = port || await freeTcpPort();
  const child = spawn('/usr/bin/python3', [path.join(__dirname, 'rtsp-server.py'), String(listenPort),
    '--protocols', protocols, '--codec', codec], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const deadline = Date.now() + 10000;
  while (!output.includes('ready')) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`RTSP server did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    port: listenPort,
    url: `rtsp://127.0.0.1:${listenPort}/live`,
    stop: async () => { child.kill('SIGKILL'); await exited; },
  };
}

// What ffprobe reads of `file`: { codecs: ['vp8', 'opus'], duration (s), lastPacket (s) }.
async function probe(file) {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries',
    'format=duration,format_name:stream=codec_name,codec_type', '-of', 'json', file]);
  const info = JSON.parse(stdout);
  const packets = await run('ffprobe', ['-v', 'error', '-show_entries', 'packet=pts_time',
    '-of', 'csv=p=0', file], { maxBuffer: 64 * 1024 * 1024 });
  const lines = packets.stdout.split('\n').filter((line) => line.trim() !== '');
  const times = lines.map(Number).filter((t) => Number.isFinite(t) && t > 0);
  return {
    format: info.format.format_name,
    codecs: (info.streams || []).map((s) => s.codec_name).sort(),
    duration: Number(info.format.duration),
    lastPacket: times.length ? Math.max(...times) : 0,
    packets: lines.length,
  };
}

module.exports = { makeCertificate, makeMediaFile, makeMediaFiles, serveFiles, startRtspServer, probe };
