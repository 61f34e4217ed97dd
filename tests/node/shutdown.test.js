// SIGTERM with 20 live calls (RtpEndpoint -> WebRtcEndpoint -> WebRtcEndpoint, media flowing
// through ICE, DTLS and SRTP, made by a kurento-client application): the server releases
// everything and exits 0 within 5 s.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { describe, it } = require('node:test');

const { connect } = require('./lib/rpc');
const { startServer } = require('./lib/server');
const { vp8SenderTo, waitForMedia } = require('./lib/loop-calls');
const { startApp } = require('./lib/doomed-app');

const CALLS = 20;
const EXIT_LIMIT_MS = 5000;

describe('shutdown', () => {
  it(`exits 0 within ${EXIT_LIMIT_MS / 1000} s of SIGTERM with ${CALLS} live calls`, async () => {
    const server = await startServer();
    let app;
    let sender;
    try {
      app = await startApp(server.url, CALLS, 120000);
      sender = vp8SenderTo(app.info.rtpPorts);
      const observer = await connect(server.url);
      await waitForMedia(observer, app.info.receivers, 60000);
      const exited = new Promise((resolve) => server.process.once('exit', (code, signal) => resolve({ code, signal })));
      const signalledAt = Date.now();
      server.process.kill('SIGTERM');
      const killer = setTimeout(() => server.process.kill('SIGKILL'), 20000);
      const { code, signal } = await exited;
      clearTimeout(killer);
      const exitMs = Date.now() - signalledAt;
      console.log(`SIGTERM with ${CALLS} live calls (${3 * CALLS} endpoints): exit code ${code} after ${exitMs} ms`);
      assert.equal(signal, null, `killed by ${signal}\n${server.output().slice(-3000)}`);
      assert.equal(code, 0, server.output().slice(-3000));
      assert.ok(exitMs < EXIT_LIMIT_MS, `exit took ${exitMs} ms\n${server.output().slice(-3000)}`);
      await observer.closed;
    } finally {
      if (app) app.child.kill('SIGKILL');
      if (sender) sender.kill('SIGKILL');
      await server.stop();
      fs.rmSync(server.dir, { recursive: true, force: true });
    }
  });
});
