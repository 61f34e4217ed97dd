// The official kurento-client 7.x against our server: what every Kurento application does first.
'use strict';

const assert = require('node:assert/strict');
const { after, before, describe, it } = require('node:test');
const kurentoClient = require('kurento-client');

const { startServer } = require('./lib/server');
const { startProxy } = require('./lib/proxy');
const { errorOf, nextEvent } = require('./lib/calls');

function idOf(value) {
  return value && typeof value === 'object' ? value.id : value;
}

describe('kurento-client against kurento-media-server', () => {
  let server;
  let client;

  before(async () => {
    server = await startServer();
    client = await kurentoClient(server.url, { failAfter: 2, strict: true });
  });

  after(async () => {
    if (client) client.close();
    if (server) {
      const code = await server.stop();
      assert.equal(code, 0, `server exit code ${code}\n${server.output()}`);
    }
  });

  it('passes the strict module check and reports server info', async () => {
    const manager = await client.getServerManager();
    const info = await manager.getInfo();
    const names = info.modules.map((m) => m.name);
    for (const required of ['core', 'elements', 'filters']) {
      assert.ok(names.includes(required), `modules ${names} lack ${required}`);
    }
    assert.match(info.version, /^7\./);
    const elements = info.modules.find((m) => m.name === 'elements');
    assert.ok(elements.factories.includes('PassThrough'));
    const kmd = JSON.parse(await manager.getKmd('core'));
    assert.equal(kmd.name, 'core');
    assert.ok(await manager.getCpuCount() >= 1);
    assert.ok(await manager.getUsedMemory() > 0);
  });

  it('creates a pipeline and PassThroughs, connects them and reports connections', async () => {
    const manager = await client.getServerManager();
    const created = nextEvent(manager, 'ObjectCreated');
    await manager.getCpuCount();  // the subscription travels before this call, in order
    const pipeline = await client.create('MediaPipeline');
    assert.match(pipeline.id, /^[0-9a-f-]{36}_kurento\.MediaPipeline$/);
    assert.equal(idOf((await created).object), pipeline.id);

    const a = await pipeline.create('PassThrough');
    const b = await pipeline.create('PassThrough');
    assert.ok(a.id.startsWith(`${pipeline.id}/`), a.id);
    assert.match(a.id, /_kurento\.PassThrough$/);

    const connected = nextEvent(a, 'ElementConnected');
    await a.connect(b);
    const event = await connected;
    assert.equal(idOf(event.sink), b.id);
    assert.ok(['AUDIO', 'VIDEO'].includes(event.mediaType));

    const sinks = await a.getSinkConnections();
    assert.equal(sinks.length, 2);
    assert.deepEqual(sinks.map((c) => c.type).sort(), ['AUDIO', 'VIDEO']);
    assert.equal(idOf(sinks[0].sink), b.id);
    const sources = await b.getSourceConnections('VIDEO');
    assert.equal(sources.length, 1);
    assert.equal(idOf(sources[0].source), a.id);

    const children = (await pipeline.getChildren()).map(idOf).sort();
    assert.deepEqual(children, [a.id, b.id].sort());
    assert.equal(idOf(await a.getMediaPipeline()), pipeline.id);
    assert.equal(idOf(await a.getParent()), pipeline.id);
    assert.equal(await a.isMediaFlowingIn('VIDEO'), false);
    assert.equal(await a.isMediaTranscoding('VIDEO'), false);
    assert.match(await pipeline.getGstreamerDot(), /digraph/);

    const disconnected = nextEvent(a, 'ElementDisconnected');
    await a.disconnect(b, 'VIDEO');
    assert.equal((await disconnected).mediaType, 'VIDEO');
    assert.equal((await a.getSinkConnections()).length, 1);

    const pipelines = (await manager.getPipelines()).map(idOf);
    assert.ok(pipelines.includes(pipeline.id));
    await pipeline.release();
    assert.equal((await errorOf((cb) => a.getName(cb))).code, 40101);
  });

  it('sets and reads names, tags and properties', async () => {
    const pipeline = await client.create('MediaPipeline');
    const element = await pipeline.create('PassThrough');
    assert.equal(await element.getName(), element.id);
    await element.setName('camera-1');
    assert.equal(await element.getName(), 'camera-1');

    await element.addTag('room', 'blue');
    assert.equal(await element.getTag('room'), 'blue');
    const tags = await element.getTags();
    assert.deepEqual(tags.map((t) => [t.key, t.value]), [['room', 'blue']]);
    assert.equal((await errorOf((cb) => element.getTag('missing', cb))).code, 40110);

    await element.setSendTagsInEvents(true);
    assert.equal(await element.getSendTagsInEvents(), true);
    const created = await element.getCreationTime();
    assert.ok(Math.abs(created - Date.now() / 1000) < 60, `creationTime ${created}`);

    await element.setMaxEncoderBitrate(500000);
    assert.equal(await element.getMaxEncoderBitrate(), 500000);
    const stats = await element.getStats();
    assert.equal(Object.keys(stats).length, 1);

    const other = await client.create('MediaPipeline');
    const stranger = await other.create('PassThrough');
    assert.equal((await errorOf((cb) => element.connect(stranger, cb))).code, 40004);
    await other.release();
    await pipeline.release();
  });

  it('re-attaches objects and subscriptions after a dropped socket', async () => {
    const proxy = await startProxy(server.port);
    const viaProxy = await kurentoClient(`ws://127.0.0.1:${proxy.port}/kurento`,
      { failAfter: 5, strict: true });
    try {
      const pipeline = await viaProxy.create('MediaPipeline');
      await pipeline.setName('survivor');
      const a = await pipeline.create('PassThrough');
      const b = await pipeline.create('PassThrough');
      const sessionId = viaProxy.sessionId;
      const connectedEvent = nextEvent(a, 'ElementConnected', 15000);
      await a.getName();  // the subscription is answered before the socket drops

      const reconnected = nextEvent(viaProxy, 'reconnected', 15000);
      proxy.cutAll();
      assert.equal(await reconnected, true, 'the server must know the session');
      assert.equal(viaProxy.sessionId, sessionId);

      assert.equal(await pipeline.getName(), 'survivor');
      await a.connect(b);
      assert.equal(idOf((await connectedEvent).sink), b.id);
      await pipeline.release();
    } finally {
      viaProxy.close();
      await proxy.close();
    }
  });
});
