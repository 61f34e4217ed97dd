// docs/tutorials/hello-world, one-to-many, player, hello-world-recording and group-call: each
// app started as its README says (with the test's node_modules), driven by clicks in headless
// chromium, the video checked in the page.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { after, before, describe, it } = require('node:test');

const { startServer, freePort } = require('./lib/server');
const { launchBrowser } = require('./lib/browser');
const { makeMediaFiles, probe } = require('./lib/media');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function startTutorial(name, kurentoUrl, extraArgs = []) {
  const port = await freePort();
  const app = spawn(process.execPath, [path.join(__dirname, '..', '..', 'docs', 'tutorials', name, 'server.js'),
    '--port', String(port), '--ws', kurentoUrl, ...extraArgs], {
    env: { ...process.env, NODE_PATH: path.join(__dirname, 'node_modules') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  app.stdout.on('data', (chunk) => { output += chunk; });
  app.stderr.on('data', (chunk) => { output += chunk; });
  const deadline = Date.now() + 30000;  // node and kurento-client load slowly on a busy machine
  while (!output.includes(`http://localhost:${port}/`)) {
    if (Date.now() > deadline) throw new Error(`${name} did not start:\n${output}`);
    await sleep(50);
  }
  return { url: `http://localhost:${port}/`, app, output: () => output };
}

// Resolves once <video id> plays a stream with video (and audio when asked).
async function waitForVideo(page, id, { audio = true, timeoutMs = 20000, logs = () => '', minTime = 1 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let state;
  while (Date.now() < deadline) {
    state = await page.evaluate((videoId) => {
      const video = document.getElementById(videoId);
      const stream = video.srcObject;
      return { width: video.videoWidth, time: video.currentTime,
        audioTracks: stream ? stream.getAudioTracks().length : 0 };
    }, id);
    if (state.width > 0 && state.time > minTime && (!audio || state.audioTracks > 0)) return state;
    await sleep(200);
  }
  assert.fail(`#${id} shows no video: ${JSON.stringify(state)}\n${logs()}`);
}

describe('tutorials with headless chromium', () => {
  let server;
  let chrome;

  before(async () => {
    server = await startServer();
    chrome = await launchBrowser();
  });

  after(async () => {
    if (chrome) await chrome.close();
    if (server) assert.equal(await server.stop(), 0, server.output());
  });

  it('Hello World shows the camera coming back', async () => {
    const tutorial = await startTutorial('hello-world', server.url);
    try {
      const page = await chrome.browser.newPage();
      await page.goto(tutorial.url);
      await page.click('#start');
      await waitForVideo(page, 'remote');
      await page.click('#stop');
      await page.close();
    } finally {
      tutorial.app.kill();
    }
  });

  it('Player: the page watches a file, pauses, seeks and resumes', async () => {
    const media = await makeMediaFiles(6);
    const tutorial = await startTutorial('player', server.url);
    try {
      const page = await chrome.browser.newPage();
      await page.goto(tutorial.url);
      await page.fill('#uri', `file://${path.join(media, 'vp8-opus.webm')}`);
      await page.click('#start');
      await waitForVideo(page, 'video', { logs: () => tutorial.output() });
      const info = await (await page.waitForFunction(() => window.videoInfo, null, { timeout: 10000 })).jsonValue();
      assert.equal(info.isSeekable, true);
      assert.ok(Math.abs(info.duration - 6000) < 100, JSON.stringify(info));
      await page.click('#pause');
      await sleep(300);
      await page.fill('#position', '4000');
      await page.click('#seek');
      await page.click('#resume');
      await page.waitForFunction(() => window.lastPosition >= 4000, null, { timeout: 10000 });
      await page.waitForFunction(() => window.playEnded, null, { timeout: 10000 });
      await page.close();
    } finally {
      tutorial.app.kill();
      fs.rmSync(media, { recursive: true, force: true });
    }
  });

  for (const profile of ['WEBM', 'MP4']) {
    it(`Hello World with recording (${profile}): records the camera, then plays it back`, async () => {
      const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'kms-tutorial-rec-'));
      const tutorial = await startTutorial('hello-world-recording', server.url, ['--dir', folder]);
      try {
        const page = await chrome.browser.newPage();
        await page.goto(tutorial.url);
        await page.selectOption('#profile', profile);
        await page.click('#start');
        await waitForVideo(page, 'remote', { logs: () => tutorial.output() });
        await sleep(2000);
        await page.click('#stop');
        const uri = await page.waitForFunction(() => window.recordedUri, null, { timeout: 15000 });
        const file = (await uri.jsonValue()).replace('file://', '');
        const info = await probe(file);
        assert.deepEqual(info.codecs, profile === 'MP4' ? ['h264', 'opus'] : ['opus', 'vp8'], JSON.stringify(info));
        assert.ok(info.lastPacket >= 2.5, `recording of ${info.lastPacket} s`);
        await page.click('#play');
        await waitForVideo(page, 'remote', { logs: () => tutorial.output(), minTime: 1.5 });
        await page.waitForFunction(() => window.playEnded, null, { timeout: 15000 });
        await page.close();
      } finally {
        tutorial.app.kill();
        fs.rmSync(folder, { recursive: true, force: true });
      }
    });
  }

  it('one-to-many: a presenter and three viewers; one viewer leaves', async () => {
    const tutorial = await startTutorial('one-to-many', server.url);
    try {
      const presenter = await chrome.browser.newPage();
      await presenter.goto(tutorial.url);
      await presenter.click('#presenter');
      await waitForVideo(presenter, 'video');
      // The presenter's video is its own camera: the room has a presenter once the server
      // answered (on a busy machine a viewer clicking earlier got 'no presenter yet').
      const answered = Date.now() + 20000;
      while (!(await presenter.evaluate(() => Boolean(pc && pc.remoteDescription))) && Date.now() < answered) {
        await sleep(100);
      }
      const viewers = [];
      for (let i = 0; i < 3; i += 1) {
        const viewer = await chrome.browser.newPage();
        const consoleLines = [];
        viewer.on('console', (message) => consoleLines.push(message.text()));
        await viewer.goto(tutorial.url);
        await viewer.click('#viewer');
        await waitForVideo(viewer, 'video', { logs: () => `viewer ${i} console:\n${consoleLines.join('\n')}\n` +
          `tutorial:\n${tutorial.output().slice(-3000)}\nserver:\n${server.output().slice(-6000)}` });
        viewers.push(viewer);
      }
      await viewers[0].click('#stop');
      await viewers[0].close();
      for (const viewer of viewers.slice(1)) {
        const before = await viewer.evaluate(() => document.getElementById('video').currentTime);
        await sleep(1500);
        const after = await viewer.evaluate(() => document.getElementById('video').currentTime);
        assert.ok(after > before + 1, `a remaining viewer stopped playing: ${before} -> ${after}`);
      }
      await presenter.close();
      for (const viewer of viewers.slice(1)) await viewer.close();
    } finally {
      tutorial.app.kill();
    }
  });

  it('group call: three participants see the grid; one leaves, the others go on; the room is recorded', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kms-group-call-'));
    const file = path.join(dir, 'room.webm');
    const tutorial = await startTutorial('group-call', server.url, ['--record', `file://${file}`]);
    try {
      const pages = [];
      for (let i = 0; i < 3; i += 1) {
        const page = await chrome.browser.newPage();
        const consoleLines = [];
        page.on('console', (message) => consoleLines.push(message.text()));
        await page.goto(tutorial.url);
        await page.click('#join');
        pages.push({ page, logs: () => `participant ${i} console:\n${consoleLines.join('\n')}\n` +
          `tutorial:\n${tutorial.output().slice(-3000)}\nserver:\n${server.output().slice(-6000)}` });
      }
      for (const { page, logs } of pages) {
        const state = await waitForVideo(page, 'room', { logs });
        assert.equal(state.width, 800, 'the grid (800x600), not a camera');
      }
      await pages[0].page.click('#leave');
      await pages[0].page.close();
      for (const { page } of pages.slice(1)) {
        const before = await page.evaluate(() => document.getElementById('room').currentTime);
        await sleep(1500);
        const after = await page.evaluate(() => document.getElementById('room').currentTime);
        assert.ok(after > before + 1, `a remaining participant stopped playing: ${before} -> ${after}`);
      }
      for (const { page } of pages.slice(1)) await page.close();
      // The last one out stops the recording (stopAndWait) before the room's pipeline goes.
      const deadline = Date.now() + 15000;
      while (!tutorial.output().includes('recorded the room') && Date.now() < deadline) await sleep(100);
      assert.ok(tutorial.output().includes('recorded the room'), tutorial.output());
      assert.ok(!tutorial.output().includes('recording failed'), tutorial.output());
      const info = await probe(file);
      assert.deepEqual(info.codecs, ['opus', 'vp8'], JSON.stringify(info));
      assert.ok(info.lastPacket >= 3, `the recording spans the call: ${JSON.stringify(info)}`);
      // Pictures through the call: the recorder's own cell (the first port, top left) stays
      // black; at some point two participants' cells are not.
      const pictures = await quadrants(file);
      assert.ok(pictures.length >= 3, `pictures in the recording: ${pictures.length}`);
      assert.ok(pictures.every((q) => q.topLeft < 30), `the recorder's cell is black: ${JSON.stringify(pictures)}`);
      const lit = (q) => [q.topRight, q.bottomLeft, q.bottomRight].filter((v) => v > 60).length;
      assert.ok(pictures.some((q) => lit(q) >= 2), `participants in the recording: ${JSON.stringify(pictures)}`);
    } finally {
      tutorial.app.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Mean brightness (r+g+b) of each quadrant of the pictures of `file`, two per second.
async function quadrants(file) {
  const { execFile } = require('node:child_process');
  const { promisify } = require('node:util');
  const [w, h] = [32, 24];
  const { stdout } = await promisify(execFile)('ffmpeg', ['-v', 'error', '-i', file,
    '-vf', `fps=2,scale=${w}:${h}`, '-pix_fmt', 'rgb24', '-f', 'rawvideo', '-'],
  { encoding: 'buffer', maxBuffer: 64 << 20 });
  const size = w * h * 3;
  const mean = (picture, x0, y0) => {
    let sum = 0;
    for (let y = y0 + 2; y < y0 + h / 2 - 2; y += 1) {
      for (let x = x0 + 2; x < x0 + w / 2 - 2; x += 1) {
        const at = picture + (y * w + x) * 3;
        sum += stdout[at] + stdout[at + 1] + stdout[at + 2];
      }
    }
    return Math.round(sum / ((w / 2 - 4) * (h / 2 - 4)));
  };
  const pictures = [];
  for (let at = 0; at + size <= stdout.length; at += size) {
    pictures.push({ topLeft: mean(at, 0, 0), topRight: mean(at, w / 2, 0),
      bottomLeft: mean(at, 0, h / 2), bottomRight: mean(at, w / 2, h / 2) });
  }
  return pictures;
}
