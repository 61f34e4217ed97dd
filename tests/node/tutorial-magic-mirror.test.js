// docs/tutorials/magic-mirror started as its README says, in headless chromium whose fake camera
// shows a face (a .y4m clip made here from scikit-image's public-domain astronaut.png): the page
// must decode video, and the hat's colour must cover the top of the face in the received frames.
'use strict';

const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { after, before, describe, it } = require('node:test');

const { startServer, freePort } = require('./lib/server');
const { launchBrowser } = require('./lib/browser');

const FACE_PICTURE = path.join(__dirname, 'media', 'astronaut.png');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// 640x480: the 512x512 picture fitted as 480x480 at x 80..560. OpenCV's cascade finds the face
// at about x 177..270, y 67..160 of the picture: x 246..333, y 63..150 of the clip. The hat's
// brim (the bottom third of a picture 1.6 faces tall starting 1.2 faces above the face) covers
// y 55..98 and x 216..355: the forehead.
const FOREHEAD = { x0: 265 / 640, x1: 315 / 640, y0: 72 / 480, y1: 92 / 480 };
const CHIN_AND_BELOW = { x0: 265 / 640, x1: 315 / 640, y0: 170 / 480, y1: 300 / 480 };

function makeClip(dir) {
  assert.ok(fs.existsSync(FACE_PICTURE), `${FACE_PICTURE} is missing: run scripts/install-deps.sh --tests`);
  const clip = path.join(dir, 'face.y4m');
  const made = spawnSync('gst-launch-1.0', ['-q', 'filesrc', `location=${FACE_PICTURE}`, '!', 'pngdec', '!',
    'imagefreeze', 'num-buffers=15', '!', 'videoconvert', '!', 'videoscale', 'add-borders=true', '!',
    'video/x-raw,format=I420,width=640,height=480,pixel-aspect-ratio=1/1,framerate=15/1', '!', 'y4menc', '!',
    'filesink', `location=${clip}`], { encoding: 'utf8', timeout: 30000 });
  assert.equal(made.status, 0, made.stderr);
  return clip;
}

async function startTutorial(kurentoUrl) {
  const port = await freePort();
  const app = spawn(process.execPath, [path.join(__dirname, '..', '..', 'docs', 'tutorials', 'magic-mirror', 'server.js'),
    '--port', String(port), '--ws', kurentoUrl], {
    env: { ...process.env, NODE_PATH: path.join(__dirname, 'node_modules') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  app.stdout.on('data', (chunk) => { output += chunk; });
  app.stderr.on('data', (chunk) => { output += chunk; });
  const deadline = Date.now() + 10000;
  while (!output.includes(`http://localhost:${port}/`)) {
    if (Date.now() > deadline) throw new Error(`magic-mirror did not start:\n${output}`);
    await sleep(50);
  }
  return { url: `http://localhost:${port}/`, app, output: () => output };
}

// Fraction of the pixels of `region` (fractions of the frame) that have the hat's colour, in the
// frame the <video id="remote"> shows now.
function hatShare(region) {
  const video = document.getElementById('remote');
  if (!video.videoWidth) return { width: 0, share: 0 };
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  const context = canvas.getContext('2d');
  context.drawImage(video, 0, 0);
  const x = Math.round(region.x0 * canvas.width);
  const y = Math.round(region.y0 * canvas.height);
  const w = Math.max(1, Math.round((region.x1 - region.x0) * canvas.width));
  const h = Math.max(1, Math.round((region.y1 - region.y0) * canvas.height));
  const { data } = context.getImageData(x, y, w, h);
  let hat = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i] > 150 && data[i + 1] < 90 && data[i + 2] > 150) hat += 1;
  }
  return { width: canvas.width, height: canvas.height, time: video.currentTime, share: hat / (w * h) };
}

describe('Magic Mirror with headless chromium and a face on its camera', () => {
  let server;
  let chrome;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kms-magic-mirror-'));

  before(async () => {
    const clip = makeClip(dir);
    server = await startServer();
    chrome = await launchBrowser({ extraArgs: [`--use-file-for-fake-video-capture=${clip}`] });
  });

  after(async () => {
    if (chrome) await chrome.close();
    if (server) assert.equal(await server.stop(), 0, server.output());
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('puts the hat on the face in the video that comes back', async () => {
    const tutorial = await startTutorial(server.url);
    try {
      const page = await chrome.browser.newPage();
      const consoleLines = [];
      page.on('console', (message) => consoleLines.push(message.text()));
      await page.goto(tutorial.url);
      await page.click('#start');
      const deadline = Date.now() + 30000;
      let forehead;
      let below;
      while (Date.now() < deadline) {
        forehead = await page.evaluate(hatShare, FOREHEAD);
        below = await page.evaluate(hatShare, CHIN_AND_BELOW);
        if (forehead.width > 0 && forehead.time > 1 && forehead.share > 0.6 && below.share < 0.05) break;
        await sleep(250);
      }
      console.log(`received ${forehead.width}x${forehead.height}: hat colour on ` +
        `${(100 * forehead.share).toFixed(0)}% of the forehead, ${(100 * below.share).toFixed(0)}% below the face`);
      if (process.env.MAGIC_MIRROR_SCREENSHOT) await page.screenshot({ path: process.env.MAGIC_MIRROR_SCREENSHOT });
      assert.ok(forehead.width > 0 && forehead.time > 1, `no video in the page: ${JSON.stringify(forehead)}\n` +
        `${consoleLines.join('\n')}\n${tutorial.output()}\n${server.output().slice(-4000)}`);
      assert.ok(forehead.share > 0.6, `the hat does not cover the forehead: ${JSON.stringify(forehead)}`);
      assert.ok(below.share < 0.05, `the hat's colour is below the face: ${JSON.stringify(below)}`);
      await page.click('#stop');
      await page.close();
    } finally {
      tutorial.app.kill();
    }
  });
});
