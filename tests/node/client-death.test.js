// Client death: an application killed without releasing anything loses its objects after
// garbageCollectorPeriod and the server's RSS returns to where it was; an application whose
// socket drops and that reconnects in time (kurento-client sends `connect` with its sessionId)
// keeps them, and one that comes back too late is told its session is gone.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { after, before, describe, it } = require('node:test');
const kurentoClient = require('kurento-client');

const { connect } = require('./lib/rpc');
const { startServer } = require('./lib/server');
const { startProxy } = require('./lib/proxy');
const { nextEvent } = require('./lib/calls');
const { vp8SenderTo, waitForMedia } = require('./lib/loop-calls');
const { startApp } = require('./lib/doomed-app');

const GC_PERIOD_S = 3;
const CALLS = 8;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function rssBytes(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/^VmRSS:\s+(\d+) kB/m)[1]) * 1024;
}

const mib = (bytes) => (bytes / 1048576).toFixed(1);

describe('client death and garbageCollectorPeriod', () => {
  let server;
  let observer;

  before(async () => {
    server = await startServer({ resources: { garbageCollectorPeriod: GC_PERIOD_S } });
    observer = await connect(server.url);
  });

  after(async () => {
    if (observer) await observer.close();
    if (server) assert.equal(await server.stop(), 0, server.output());
  });

  const pipelines = async () => (await observer.call('invoke',
    { object: 'manager_ServerManager', operation: 'getPipelines' })).value;

  // One application lifetime: calls with media, SIGKILL, collection. Returns its figures.
  async function killedApplication() {
    const { child, info } = await startApp(server.url, CALLS);
    const sender = vp8SenderTo(info.rtpPorts);
    try {
      await waitForMedia(observer, info.receivers, 30000);
      const loaded = rssBytes(server.process.pid);
      const killedAt = Date.now();
      child.kill('SIGKILL');
      await sleep(1000);
      const early = await pipelines();
      assert.ok(info.pipelines.every((id) => early.includes(id)), 'collected before garbageCollectorPeriod');
      let left = info.pipelines;
      while (left.length > 0 && Date.now() < killedAt + GC_PERIOD_S * 1000 + 10000) {
        await sleep(100);
        const now = await pipelines();
        left = info.pipelines.filter((id) => now.includes(id));
      }
      assert.deepEqual(left, [], 'the pipelines of the dead application were not collected');
      return { loaded, collectedAfterMs: Date.now() - killedAt };
    } finally {
      sender.kill('SIGKILL');
      await sender.exited;
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }

  it('collects a killed application\'s objects after the period; RSS returns to baseline', async () => {
    await killedApplication();  // warm-up: plugins, thread pools and caches of the process life
    await sleep(2000);
    const baseline = rssBytes(server.process.pid);
    const round = await killedApplication();
    await sleep(2000);
    const collected = rssBytes(server.process.pid);
    console.log(`client death: ${CALLS} calls, RSS baseline ${mib(baseline)} MiB, with calls ${mib(round.loaded)} MiB, `
      + `after collection ${mib(collected)} MiB; collected ${round.collectedAfterMs} ms after the kill `
      + `(garbageCollectorPeriod ${GC_PERIOD_S} s)`);
    assert.ok(round.loaded > baseline + 4 * 1048576, 'the calls must weigh something for this check to mean anything');
    assert.ok(collected <= baseline * 1.05, `RSS ${mib(collected)} MiB after collection, baseline ${mib(baseline)} MiB`);
    const metrics = await observer.call('invoke', { object: 'manager_ServerManager', operation: 'getSessions' });
    assert.equal(metrics.value.length, 1, `only the observer's session is left: ${metrics.value}`);
  });

  it('keeps the objects of a client that reconnects within the period', async () => {
    const proxy = await startProxy(server.port);
    const client = await kurentoClient(`ws://127.0.0.1:${proxy.port}/kurento`, { failAfter: 10, strict: true });
    try {
      const pipeline = await client.create('MediaPipeline');
      const a = await pipeline.create('PassThrough');
      const b = await pipeline.create('PassThrough');
      const connected = nextEvent(a, 'ElementConnected', 20000);
      await a.getName();
      const reconnected = nextEvent(client, 'reconnected', 15000);
      proxy.cutAll();
      assert.equal(await reconnected, true);
      await sleep(GC_PERIOD_S * 1000 * 2);  // well past the period: the session is attached again
      assert.ok((await pipelines()).includes(pipeline.id), 'a reconnected session lost its objects');
      await a.connect(b);
      const event = await connected;
      assert.equal(typeof event.sink === 'object' ? event.sink.id : event.sink, b.id);
      await pipeline.release();
    } finally {
      client.close();
      await proxy.close();
    }
  });

  it('tells a client that comes back after the period that its session is gone', async () => {
    const proxy = await startProxy(server.port);
    const client = await kurentoClient(`ws://127.0.0.1:${proxy.port}/kurento`, { failAfter: 20, strict: true });
    try {
      const pipeline = await client.create('MediaPipeline');
      const reconnected = nextEvent(client, 'reconnected', 40000);
      proxy.hold(true);
      proxy.cutAll();
      const deadline = Date.now() + GC_PERIOD_S * 1000 + 10000;
      while ((await pipelines()).includes(pipeline.id) && Date.now() < deadline) await sleep(200);
      assert.equal((await pipelines()).includes(pipeline.id), false, 'not collected while the client was away');
      proxy.hold(false);
      assert.equal(await reconnected, false, 'the server must answer connect with INVALID_SESSION');
    } finally {
      client.close();
      await proxy.close();
    }
  });
});
