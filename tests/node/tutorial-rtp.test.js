// docs/tutorials/rtp-receiver: the app as its README starts it, and every command the README
// gives (viewer and senders, RTP and SRTP), with decoded frames at the viewer.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { after, before, describe, it } = require('node:test');

const { startServer } = require('./lib/server');
const { freeUdpPort, exitWithin, launch } = require('./lib/gst');

const tutorial = path.join(__dirname, '..', '..', 'docs', 'tutorials', 'rtp-receiver');
const readme = fs.readFileSync(path.join(tutorial, 'README.md'), 'utf8');

function command(name) {
  const match = readme.match(new RegExp('# check: ' + name + '\\n([^\\n]+)\\n'));
  assert.ok(match, `README has no command '${name}'`);
  return match[1];
}

function startApp(url, viewPort, srtp) {
  const args = [path.join(tutorial, 'index.js'), '--ws', url, '--view-port', String(viewPort)];
  if (srtp) args.push('--srtp');
  const app = spawn(process.execPath, args, {
    env: { ...process.env, NODE_PATH: path.join(__dirname, 'node_modules') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  app.stdout.on('data', (chunk) => { output += chunk; });
  app.stderr.on('data', (chunk) => { output += chunk; });
  const exports = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no export line:\n${output}`)), 10000);
    app.stdout.on('data', () => {
      const line = output.split('\n').find((l) => l.startsWith('export '));
      if (line) {
        clearTimeout(timer);
        resolve(Object.fromEntries(line.slice(7).split(' ').map((pair) => pair.split('='))));
      }
    });
  });
  return { app, exports, output: () => output };
}

describe('tutorial: RTP receiver', () => {
  let server;
  const children = [];

  before(async () => { server = await startServer(); });
  after(async () => {
    children.forEach((child) => child.kill('SIGKILL'));
    if (server) assert.equal(await server.stop(), 0, server.output());
  });

  for (const [sender, srtp] of [['ffmpeg-rtp', false], ['gst-rtp', false], ['ffmpeg-srtp', true], ['gst-srtp', true]]) {
    it(`shows what ${sender} sends`, async () => {
      const viewPort = await freeUdpPort();
      // The README's viewer, with a frame counter instead of a window.
      const viewerCommand = command('viewer').replace('port=5004', `port=${viewPort}`)
        .replace('videoconvert ! autovideosink', 'identity eos-after=30 ! fakesink');
      const viewer = launch(viewerCommand.replace(/^gst-launch-1.0 /, '').replace(/"/g, ''));
      children.push(viewer);
      const { app, exports, output } = startApp(server.url, viewPort, srtp);
      children.push(app);
      const env = { ...process.env, ...(await exports) };
      const media = spawn('bash', ['-c', command(sender)], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      let mediaOutput = '';
      media.stderr.on('data', (chunk) => { mediaOutput += chunk; });
      try {
        assert.equal(await exitWithin(viewer, 20000), 0, `${viewer.output()}\n${mediaOutput}\n${output()}`);
      } finally {
        process.kill(-media.pid, 'SIGKILL');
        app.kill('SIGTERM');
      }
    });
  }
});
