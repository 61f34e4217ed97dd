// Headless Debian chromium with fake camera and microphone, driven by playwright-core, on a page
// served from http://localhost (getUserMedia needs a secure context).
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { chromium } = require('playwright-core');

async function servePages() {
  const dir = path.join(__dirname, '..', 'browser');
  const server = http.createServer((request, response) => {
    const file = path.join(dir, path.basename(request.url.split('?')[0]) || 'peer.html');
    fs.readFile(file, (error, data) => {
      response.writeHead(error ? 404 : 200, { 'Content-Type': 'text/html' });
      response.end(error ? 'not found' : data);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://localhost:${server.address().port}`, close: () => server.close() };
}

// `extraArgs`: more chromium switches (e.g. --use-file-for-fake-video-capture=<file.y4m>).
async function launchBrowser({ extraArgs = [] } = {}) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
      '--autoplay-policy=no-user-gesture-required', ...extraArgs],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}

module.exports = { servePages, launchBrowser };
