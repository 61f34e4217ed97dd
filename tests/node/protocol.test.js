// The Kurento JSON-RPC protocol over a real socket against the real server and modules: every
// method, every error path the host and the core/elements modules can take, and bad input that
// must be answered with an error while the server keeps serving.
'use strict';

const assert = require('node:assert/strict');
const http = require('node:http');
const { after, before, describe, it } = require('node:test');

const { connect } = require('./lib/rpc');
const { startServer } = require('./lib/server');

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

function httpGet(port, path) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path }, (response) => {
      let body = '';
      response.on('data', (chunk) => { body += chunk; });
      response.on('end', () => resolve({ status: response.statusCode, body }));
    }).on('error', reject);
  });
}

function assertError(error, code, type, messagePattern) {
  assert.equal(error.code, code, JSON.stringify(error));
  if (type) assert.equal(error.data && error.data.type, type, JSON.stringify(error));
  assert.ok(error.message && error.message.length > 5, `no clear message: ${JSON.stringify(error)}`);
  if (messagePattern) assert.match(error.message, messagePattern);
}

describe('Kurento protocol over WebSocket', () => {
  let server;
  let rpc;

  before(async () => {
    server = await startServer();
    rpc = await connect(server.url);
  });

  after(async () => {
    if (rpc) await rpc.close();
    if (server) {
      const code = await server.stop();
      assert.equal(code, 0, `server exit code ${code}\n${server.output()}`);
    }
  });

  async function pipelineWithElement(connection = rpc) {
    const pipeline = (await connection.call('create', { type: 'MediaPipeline' })).value;
    const element = (await connection.call('create', {
      type: 'kurento.PassThrough', constructorParams: { mediaPipeline: pipeline },
    })).value;
    return { pipeline, element };
  }

  it('answers ping with pong and no session', async () => {
    const result = await rpc.call('ping', { interval: 240000 });
    assert.deepEqual(result, { value: 'pong' });
  });

  it('describes the server manager and gives every result a sessionId', async () => {
    const result = await rpc.call('describe', { object: 'manager_ServerManager' });
    assert.equal(result.type, 'ServerManager');
    assert.equal(result.qualifiedType, 'kurento.ServerManager');
    assert.ok(Array.isArray(result.hierarchy));
    assert.ok(result.hierarchy.includes('kurento.MediaObject'), result.hierarchy);
    assert.match(result.sessionId, new RegExp(`^${UUID}$`));
    const info = await rpc.call('invoke', { object: 'manager_ServerManager', operation: 'getInfo' });
    assert.equal(info.sessionId, result.sessionId);
    assert.equal(info.value.__type__, 'ServerInfo');
    assert.equal(info.value.__module__, 'kurento');
    assert.deepEqual(info.value.modules.map((m) => m.name).sort(), ['core', 'elements', 'filters']);
  });

  it('creates objects by short and qualified type, with properties, under their pipeline', async () => {
    const { pipeline, element } = await pipelineWithElement();
    assert.match(pipeline, new RegExp(`^${UUID}_kurento\\.MediaPipeline$`));
    assert.match(element, new RegExp(`^${pipeline}/${UUID}_kurento\\.PassThrough$`));
    const named = (await rpc.call('create', {
      type: 'PassThrough', constructorParams: { mediaPipeline: pipeline }, properties: { name: 'given' },
    })).value;
    assert.equal((await rpc.call('invoke', { object: named, operation: 'getName' })).value, 'given');
    const described = await rpc.call('describe', { object: element });
    assert.equal(described.qualifiedType, 'kurento.PassThrough');
    assert.deepEqual(described.hierarchy.slice(0, 2), ['kurento.MediaElement', 'kurento.MediaObject']);
    await rpc.call('release', { object: pipeline });
  });

  it('invokes operations: void results carry no value, typed results are marshalled', async () => {
    const { pipeline, element } = await pipelineWithElement();
    const set = await rpc.call('invoke', { object: element, operation: 'setName', operationParams: { name: 'x' } });
    assert.equal('value' in set, false);
    const connections = await rpc.call('invoke', { object: element, operation: 'getSinkConnections' });
    assert.deepEqual(connections.value, []);
    const parent = await rpc.call('invoke', { object: element, operation: 'getParent' });
    assert.equal(parent.value, pipeline);
    const time = await rpc.call('invoke', { object: pipeline, operation: 'getCreationTime' });
    assert.equal(typeof time.value, 'number');
    await rpc.call('release', { object: pipeline });
  });

  it('subscribes and unsubscribes; events carry source, tags, timestamps and type', async () => {
    const { pipeline, element } = await pipelineWithElement();
    const other = (await rpc.call('create', { type: 'PassThrough', constructorParams: { mediaPipeline: pipeline } })).value;
    await rpc.call('invoke', { object: element, operation: 'addTag', operationParams: { key: 'k', value: 'v' } });
    await rpc.call('invoke', { object: element, operation: 'setSendTagsInEvents', operationParams: { sendTagsInEvents: true } });
    const subscription = await rpc.call('subscribe', { object: element, type: 'ElementConnected' });
    assert.equal(typeof subscription.value, 'string');
    assert.ok(subscription.sessionId);
    await rpc.call('invoke', { object: element, operation: 'connect', operationParams: { sink: other, mediaType: 'VIDEO' } });
    const event = await rpc.waitForEvent((e) => e.object === element && e.type === 'ElementConnected');
    assert.equal(event.data.source, element);
    assert.equal(event.data.sink, other);
    assert.equal(event.data.mediaType, 'VIDEO');
    assert.equal(event.data.type, 'ElementConnected');
    assert.match(event.data.timestampMillis, /^\d{13}$/);
    assert.match(event.data.timestamp, /^\d{10}$/);
    assert.deepEqual(event.data.tags.map((t) => [t.key, t.value]), [['k', 'v']]);

    await rpc.call('unsubscribe', { object: element, subscription: subscription.value });
    const before = rpc.events.length;
    await rpc.call('invoke', { object: element, operation: 'connect', operationParams: { sink: other, mediaType: 'AUDIO' } });
    await rpc.call('ping', {});
    assert.equal(rpc.events.length, before, 'an event arrived after unsubscribe');
    assertError(await rpc.error('unsubscribe', { object: element, subscription: subscription.value }),
      40101, 'MEDIA_OBJECT_NOT_FOUND', /subscription/);
    await rpc.call('release', { object: pipeline });
  });

  it('accepts 6.x event names and delivers an event to every subscribed session', async () => {
    const second = await connect(server.url);
    try {
      const { pipeline, element } = await pipelineWithElement();
      const other = (await rpc.call('create', { type: 'PassThrough', constructorParams: { mediaPipeline: pipeline } })).value;
      await rpc.call('subscribe', { object: element, type: 'ElementConnected' });
      await second.call('subscribe', { object: element, type: 'ElementConnected' });
      await second.call('subscribe', { object: element, type: 'MediaFlowInStateChange' });
      await second.call('subscribe', { object: element, type: 'MediaTranscodingStateChange' });
      await rpc.call('invoke', { object: element, operation: 'connect', operationParams: { sink: other } });
      const match = (e) => e.object === element && e.type === 'ElementConnected';
      await rpc.waitForEvent(match);
      await second.waitForEvent(match);
      await rpc.call('release', { object: pipeline });
    } finally {
      await second.close();
    }
  });

  it('releases children with their pipeline and refuses to release the server manager', async () => {
    const { pipeline, element } = await pipelineWithElement();
    const release = await rpc.call('release', { object: pipeline });
    assert.ok(release.sessionId);
    assertError(await rpc.error('invoke', { object: element, operation: 'getName' }),
      40101, 'MEDIA_OBJECT_NOT_FOUND', /not found/);
    assertError(await rpc.error('release', { object: pipeline }), 40101, 'MEDIA_OBJECT_NOT_FOUND');
    assertError(await rpc.error('release', { object: 'manager_ServerManager' }),
      40111, 'MEDIA_OBJECT_OPERATION_NOT_SUPPORTED', /cannot be released/);
  });

  it('runs a transaction whose operations refer to earlier results with newref', async () => {
    const result = await rpc.call('transaction', {
      operations: [
        { jsonrpc: '2.0', id: 0, method: 'create', params: { type: 'MediaPipeline' } },
        { jsonrpc: '2.0', id: 1, method: 'create', params: { type: 'PassThrough', constructorParams: { mediaPipeline: 'newref:0' } } },
        { jsonrpc: '2.0', id: 2, method: 'invoke', params: { object: 'newref:1', operation: 'setName', operationParams: { name: 'in-tx' } } },
        { jsonrpc: '2.0', id: 3, method: 'invoke', params: { object: 'newref:1', operation: 'getName' } },
      ],
    });
    assert.equal(result.value.length, 4);
    const pipeline = result.value[0].value;
    assert.match(pipeline, /_kurento\.MediaPipeline$/);
    assert.ok(result.value[1].value.startsWith(`${pipeline}/`));
    assert.equal(result.value[3].value, 'in-tx');
    await rpc.call('release', { object: pipeline });
  });

  it('rejects malformed transactions with 40008', async () => {
    assertError(await rpc.error('transaction', { operations: 'nope' }), 40008, 'MALFORMED_TRANSACTION');
    assertError(await rpc.error('transaction', {
      operations: [{ jsonrpc: '2.0', id: 0, method: 'invoke', params: { object: 'newref:5', operation: 'getName' } }],
    }), 40008, 'MALFORMED_TRANSACTION', /newref/);
    assertError(await rpc.error('transaction', {
      operations: [{ jsonrpc: '2.0', id: 0, method: 'ping', params: {} }],
    }), 40008, 'MALFORMED_TRANSACTION');
  });

  it('keeps a session across sockets with connect; refuses an unknown one with 40007', async () => {
    const first = await connect(server.url);
    const { pipeline, element } = await pipelineWithElement(first);
    const other = (await first.call('create', { type: 'PassThrough', constructorParams: { mediaPipeline: pipeline } })).value;
    const { sessionId } = await first.call('subscribe', { object: element, type: 'ElementConnected' });
    await first.close();

    const second = await connect(server.url);
    try {
      const connected = await second.call('connect', { sessionId });
      assert.equal(connected.sessionId, sessionId);
      await second.call('invoke', { object: element, operation: 'connect', operationParams: { sink: other } });
      await second.waitForEvent((e) => e.object === element && e.type === 'ElementConnected');
      assertError(await second.error('connect', { sessionId: 'no-such-session' }),
        40007, 'INVALID_SESSION', /no-such-session/);
      await second.call('release', { object: pipeline });
    } finally {
      await second.close();
    }
  });

  it('accepts a session id the client made itself', async () => {
    const own = await connect(server.url);
    try {
      const result = await own.call('describe', { object: 'manager_ServerManager', sessionId: 'my-own-session' });
      assert.equal(result.sessionId, 'my-own-session');
      const sessions = await own.call('invoke', { object: 'manager_ServerManager', operation: 'getSessions' });
      assert.ok(sessions.value.includes('my-own-session'), sessions.value);
    } finally {
      await own.close();
    }
  });

  it('answers each Kurento error path with its code, type and a clear message', async () => {
    const { pipeline, element } = await pipelineWithElement();
    const other = await pipelineWithElement();
    assertError(await rpc.error('create', { type: 'NoSuchThing' }), 40100, 'MEDIA_OBJECT_TYPE_NOT_FOUND', /NoSuchThing/);
    assertError(await rpc.error('create', { type: 'kurento.MediaElement', constructorParams: { mediaPipeline: pipeline } }),
      40104, 'MEDIA_OBJECT_CONSTRUCTOR_NOT_FOUND', /abstract/);
    assertError(await rpc.error('invoke', { object: element, operation: 'connect', operationParams: { sink: element, mediaType: 'DATA' } }),
      40005, 'UNSUPPORTED_MEDIA_TYPE', /DATA/);
    assertError(await rpc.error('create', { type: 'PassThrough' }), 40107, 'MEDIA_OBJECT_ILLEGAL_PARAM_ERROR', /mediaPipeline/);
    assertError(await rpc.error('create', { type: 'PassThrough', constructorParams: { mediaPipeline: 7 } }),
      40107, 'MEDIA_OBJECT_ILLEGAL_PARAM_ERROR', /mediaPipeline/);
    assertError(await rpc.error('create', { type: 'PassThrough', constructorParams: { mediaPipeline: 'gone_kurento.MediaPipeline' } }),
      40101, 'MEDIA_OBJECT_NOT_FOUND');
    assertError(await rpc.error('create', { type: 'PassThrough', constructorParams: { mediaPipeline: pipeline }, properties: { color: 1 } }),
      40107, 'MEDIA_OBJECT_ILLEGAL_PARAM_ERROR', /color/);
    assertError(await rpc.error('invoke', { object: element, operation: 'fly' }), 40105, 'MEDIA_OBJECT_METHOD_NOT_FOUND', /fly/);
    assertError(await rpc.error('invoke', { object: element, operation: 'setName', operationParams: { name: 5 } }),
      40107, 'MEDIA_OBJECT_ILLEGAL_PARAM_ERROR', /name/);
    assertError(await rpc.error('invoke', { object: element, operation: 'setName', operationParams: {} }),
      40107, 'MEDIA_OBJECT_ILLEGAL_PARAM_ERROR', /name/);
    assertError(await rpc.error('invoke', { object: element, operation: 'connect', operationParams: { sink: other.element } }),
      40004, 'CONNECT_ERROR', /pipeline/);
    assertError(await rpc.error('invoke', { object: element, operation: 'connect', operationParams: { sink: element, mediaType: 'SMELL' } }),
      40107, 'MEDIA_OBJECT_ILLEGAL_PARAM_ERROR', /SMELL/);
    assertError(await rpc.error('invoke', { object: element, operation: 'getTag', operationParams: { key: 'none' } }),
      40110, 'MEDIA_OBJECT_TAG_KEY_NOT_FOUND', /none/);
    assertError(await rpc.error('invoke', { object: 'nothing', operation: 'getName' }), 40101, 'MEDIA_OBJECT_NOT_FOUND', /nothing/);
    assertError(await rpc.error('subscribe', { object: element, type: 'Thunder' }), 40106, 'MEDIA_OBJECT_EVENT_NOT_SUPPORTED', /Thunder/);
    assertError(await rpc.error('subscribe', { object: 'nothing', type: 'Error' }), 40101, 'MEDIA_OBJECT_NOT_FOUND');
    assertError(await rpc.error('describe', { object: 'nothing' }), 40101, 'MEDIA_OBJECT_NOT_FOUND');
    assertError(await rpc.error('invoke', { object: 'manager_ServerManager', operation: 'getKmd', operationParams: { moduleName: 'nope' } }),
      40500, 'SERVER_MANAGER_ERROR_KMD_NOT_FOUND', /nope/);
    await rpc.call('release', { object: pipeline });
    await rpc.call('release', { object: other.pipeline });
  });

  it('answers JSON-RPC level mistakes with the standard codes', async () => {
    assertError((await rpc.sendRaw('{"jsonrpc":"2.0","id":1,', null)).error, -32700);
    assertError((await rpc.sendRaw('[1,2,3]', null)).error, -32600);
    assertError((await rpc.sendRaw('{"jsonrpc":"2.0","id":"a"}', 'a')).error, -32600, null, /method/);
    assertError((await rpc.sendRaw('{"jsonrpc":"1.0","id":"b","method":"ping"}', 'b')).error, -32600, null, /2\.0/);
    assertError((await rpc.sendRaw('{"jsonrpc":"2.0","id":{"x":1},"method":"ping"}', null)).error, -32600, null, /id/);
    assertError(await rpc.error('teleport', {}), -32601, null, /teleport/);
    assertError((await rpc.sendRaw('{"jsonrpc":"2.0","id":"c","method":"invoke","params":[1]}', 'c')).error, -32602);
    assertError(await rpc.error('invoke', { operation: 'getName' }), -32602, null, /object/);
    assertError(await rpc.error('create', { type: 42 }), -32602, null, /type/);
    assert.deepEqual((await rpc.call('ping', {})).value, 'pong');
  });

  it('survives bad input: huge strings, deep nesting, wrong types and a request flood', async () => {
    const { pipeline, element } = await pipelineWithElement();
    const big = 'x'.repeat(4 * 1024 * 1024);
    const named = await rpc.request('invoke', { object: element, operation: 'setName', operationParams: { name: big } });
    if (named.error) {
      assert.ok([40107, 40009].includes(named.error.code), JSON.stringify(named.error).slice(0, 300));
    } else {
      assert.equal((await rpc.call('invoke', { object: element, operation: 'getName' })).value.length, big.length);
      await rpc.call('invoke', { object: element, operation: 'setName', operationParams: { name: 'small' } });
    }
    assertError(await rpc.error('invoke', { object: big, operation: 'getName' }), 40101);
    assert.ok((await rpc.error('invoke', { object: element, operation: big })).code === 40105);

    const deep = `{"jsonrpc":"2.0","id":"deep","method":"ping","params":{"a":${'['.repeat(100000)}${']'.repeat(100000)}}}`;
    const deepAnswer = await rpc.sendRaw(deep, null);  // unparsed, so the id is unknown
    assert.ok(deepAnswer.error, 'deep nesting must be refused');
    assert.ok([-32700, -32600].includes(deepAnswer.error.code), JSON.stringify(deepAnswer.error));
    assert.match(deepAnswer.error.message, /nest|deep|levels/i);

    for (const bad of [null, true, 3.5, [], {}]) {
      const error = await rpc.error('invoke', { object: element, operation: 'setName', operationParams: { name: bad } });
      assert.equal(error.code, 40107, JSON.stringify(error));
    }
    assertError(await rpc.error('invoke', { object: element, operation: 'addTag', operationParams: { key: ['k'], value: 'v' } }), 40107);

    const flood = [];
    for (let i = 0; i < 2000; i++) {
      flood.push(i % 3 === 0
        ? rpc.request('invoke', { object: element, operation: 'getName' })
        : i % 3 === 1 ? rpc.request('invoke', { object: 'missing', operation: 'getName' })
          : rpc.request('bogus', {}));
    }
    const answers = await Promise.all(flood);
    answers.forEach((answer, i) => {
      if (i % 3 === 0) assert.ok(answer.result, JSON.stringify(answer));
      else assert.equal(answer.error.code, i % 3 === 1 ? 40101 : -32601);
    });
    const ids = answers.map((a) => a.id);
    assert.deepEqual(ids, [...ids].sort((x, y) => x - y), 'answers must keep request order');

    const fresh = await connect(server.url);
    assert.equal((await fresh.call('ping', {})).value, 'pong');
    await fresh.close();
    await rpc.call('release', { object: pipeline });
  });

  it('refuses a message over 16 MiB (the default maxMessageBytes) with 40009, and keeps serving', async () => {
    const sender = await connect(server.url);
    const answer = await sender.sendRaw(`{"jsonrpc":"2.0","id":1,"method":"ping","params":{"p":"${'y'.repeat(17 * 1024 * 1024)}"}}`, 1);
    assertError(answer.error, 40009, 'NOT_ENOUGH_RESOURCES', /maxMessageBytes/);
    assert.equal((await sender.call('ping', {})).value, 'pong');
    await sender.close();
    assert.equal((await rpc.call('ping', {})).value, 'pong');
  });

  it('serves /healthz and Prometheus /metrics on the same port', async () => {
    const health = await httpGet(server.port, '/healthz');
    assert.equal(health.status, 200);
    const metrics = await httpGet(server.port, '/metrics');
    assert.equal(metrics.status, 200);
    assert.match(metrics.body, /^# HELP /m);
    assert.match(metrics.body, /kms_sessions \d+/);
    assert.match(metrics.body, /kms_objects\{type="kurento\.ServerManager"\} 1/);
    assert.match(metrics.body, /kms_requests_total\{method="invoke"\} \d+/);
    assert.match(metrics.body, /kms_request_errors_total\{method="invoke",code="40101"\} \d+/);
    assert.equal((await httpGet(server.port, '/nothing')).status, 404);
  });
});

describe('resource limits', () => {
  it('refuses to create objects above exceptionLimit with 40009, given as Kurento writes it', async () => {
    const server = await startServer({ resources: { exceptionLimit: '0.000001' } });
    try {
      const rpc = await connect(server.url);
      assertError(await rpc.error('create', { type: 'MediaPipeline' }), 40009, 'NOT_ENOUGH_RESOURCES', /exceptionLimit/);
      assert.equal((await rpc.call('ping', {})).value, 'pong');
      await rpc.close();
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });
});

describe('garbage collection of abandoned sessions', () => {
  it('releases the objects of a session gone longer than garbageCollectorPeriod', async () => {
    const server = await startServer({ resources: { garbageCollectorPeriod: 1 } });
    try {
      const owner = await connect(server.url);
      const pipeline = (await owner.call('create', { type: 'MediaPipeline' })).value;
      const observer = await connect(server.url);
      const listed = async () => (await observer.call('invoke',
        { object: 'manager_ServerManager', operation: 'getPipelines' })).value;
      assert.ok((await listed()).includes(pipeline));
      await owner.close();
      const deadline = Date.now() + 8000;
      while ((await listed()).includes(pipeline) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      assert.equal((await listed()).includes(pipeline), false, 'the pipeline outlived its session');
      assertError(await observer.error('describe', { object: pipeline }), 40101);
      await observer.close();
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });
});
