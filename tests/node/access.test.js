// Access control with the official kurento-client and raw sockets: the optional shared secret
// (query access_token or Bearer header, 401/403 before the upgrade), /metrics and /healthz on
// their own listener or off, and each limit of mediaServer.limits answered and counted.
'use strict';

const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const http = require('node:http');
const { after, before, describe, it } = require('node:test');
const kurentoClient = require('kurento-client');
const WebSocket = require('ws');

const { connect } = require('./lib/rpc');
const { startServer, freePort } = require('./lib/server');
const { startProxy } = require('./lib/proxy');
const { errorOf, nextEvent } = require('./lib/calls');

const SECRET = 'k3y+with/odd=chars&more-0123456789';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function httpGet(port, path, headers = {}) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, headers }, (response) => {
      let body = '';
      response.on('data', (chunk) => { body += chunk; });
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body }));
    }).on('error', reject);
  });
}

// Resolves { status, headers, body } of a refused upgrade, or 'open' when it was accepted.
function tryUpgrade(url, options = {}) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options);
    socket.once('open', () => { socket.close(); resolve('open'); });
    socket.once('unexpected-response', (request, response) => {
      let body = '';
      response.on('data', (chunk) => { body += chunk; });
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body }));
    });
    socket.once('error', (error) => { if (!socket.listenerCount('unexpected-response')) reject(error); });
  });
}

function metricValue(body, name, labels) {
  const line = body.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line ? Number(line.split(' ').pop()) : NaN;
}

async function stopped(server) {
  assert.equal(await server.stop(), 0, server.output());
}

describe('shared secret', () => {
  let server;

  before(async () => {
    server = await startServer({ websocket: { secret: SECRET } });
  });

  after(async () => { if (server) await stopped(server); });

  it('kurento-client passes it with its access_token option or in the URL, unchanged', async () => {
    const viaOption = await kurentoClient(server.url, { access_token: SECRET, failAfter: 1, strict: true });
    const pipeline = await viaOption.create('MediaPipeline');
    assert.match(pipeline.id, /_kurento\.MediaPipeline$/);
    await pipeline.release();
    viaOption.close();
    const viaUrl = await kurentoClient(`${server.url}?access_token=${encodeURIComponent(SECRET)}`,
      { failAfter: 1, strict: true });
    const manager = await viaUrl.getServerManager();
    assert.ok((await manager.getInfo()).modules.length >= 3);
    viaUrl.close();
  });

  it('kurento-client reconnects with it and keeps its session', async () => {
    const proxy = await startProxy(server.port);
    const client = await kurentoClient(`ws://127.0.0.1:${proxy.port}/kurento`,
      { access_token: SECRET, failAfter: 5, strict: true });
    try {
      const pipeline = await client.create('MediaPipeline');
      await pipeline.setName('kept');
      const reconnected = nextEvent(client, 'reconnected', 15000);
      proxy.cutAll();
      assert.equal(await reconnected, true);
      assert.equal(await pipeline.getName(), 'kept');
      await pipeline.release();
    } finally {
      client.close();
      await proxy.close();
    }
  });

  // kurento-client 7 (its ws 0.7) raises a non-101 answer as an uncaught exception rather than
  // through its callback, so the attempt runs in a process of its own.
  it('kurento-client without it does not connect: it sees the 401', async () => {
    const script = `require('kurento-client')(${JSON.stringify(server.url)}, { failAfter: 1 },
      (error) => { console.log('callback', error && error.message); process.exit(3); });
      process.on('uncaughtException', (error) => { console.log('refused:', error.message); process.exit(2); });`;
    const { status, stdout } = spawnSync(process.execPath, ['-e', script], { cwd: __dirname, timeout: 20000, encoding: 'utf8' });
    assert.equal(status, 2, stdout);
    assert.match(stdout, /refused: unexpected server response \(401\)/);
  });

  it('refuses the upgrade with 401 without it and 403 with another one; takes a Bearer header', async () => {
    const missing = await tryUpgrade(server.url);
    assert.equal(missing.status, 401);
    assert.match(missing.headers['www-authenticate'], /^Bearer /);
    assert.match(JSON.parse(missing.body).error, /access_token/);
    const wrong = await tryUpgrade(`${server.url}?access_token=not-the-secret-at-all`);
    assert.equal(wrong.status, 403);
    assert.match(JSON.parse(wrong.body).error, /wrong/);
    assert.equal(await tryUpgrade(server.url, { headers: { Authorization: `Bearer ${SECRET}` } }), 'open');
    const wrongHeader = await tryUpgrade(`${server.url}?access_token=${encodeURIComponent(SECRET)}`,
      { headers: { Authorization: 'Bearer nope' } });
    assert.equal(wrongHeader.status, 403, 'the header, when present, is what counts');
  });

  it('guards /metrics on the WebSocket port, never /healthz, and counts refusals', async () => {
    assert.equal((await httpGet(server.port, '/healthz')).status, 200);
    assert.equal((await httpGet(server.port, '/metrics')).status, 401);
    assert.equal((await httpGet(server.port, '/metrics?access_token=wrong-wrong-wrong')).status, 403);
    const metrics = await httpGet(server.port, '/metrics', { Authorization: `Bearer ${SECRET}` });
    assert.equal(metrics.status, 200);
    assert.ok(metricValue(metrics.body, 'kms_auth_refusals_total', 'reason="missing"') >= 3, metrics.body);
    assert.ok(metricValue(metrics.body, 'kms_auth_refusals_total', 'reason="wrong"') >= 3, metrics.body);
  });
});

describe('/metrics and /healthz placement', () => {
  it('serves them on their own listener only, when given a port', async () => {
    const port = await freePort();
    const server = await startServer({ confText: `{"mediaServer":{"net":{
      "websocket":{"port":PORT,"path":"kurento"},
      "monitoring":{"address":"127.0.0.1","port":${port}}}}}` });
    try {
      assert.match(server.output(), new RegExp(`/metrics on http://127\\.0\\.0\\.1:${port}`));
      assert.equal((await httpGet(port, '/healthz')).status, 200);
      assert.match((await httpGet(port, '/metrics')).body, /kms_websocket_connections/);
      assert.equal((await httpGet(server.port, '/metrics')).status, 404);
      assert.equal((await httpGet(server.port, '/healthz')).status, 404);
      assert.equal((await httpGet(port, '/kurento')).status, 404);
      assert.equal(await tryUpgrade(`ws://127.0.0.1:${port}/kurento`).then((r) => r.status), 404);
      const rpc = await connect(server.url);
      assert.equal((await rpc.call('ping', {})).value, 'pong');
      await rpc.close();
    } finally {
      await stopped(server);
    }
  });

  it('serves neither when turned off', async () => {
    const server = await startServer({ confText: `{"mediaServer":{"net":{
      "websocket":{"port":PORT,"path":"kurento"},"monitoring":{"enabled":false}}}}` });
    try {
      assert.equal((await httpGet(server.port, '/metrics')).status, 404);
      assert.equal((await httpGet(server.port, '/healthz')).status, 404);
    } finally {
      await stopped(server);
    }
  });
});

describe('limits of mediaServer.limits', () => {
  let server;
  let metricsPort;

  before(async () => {
    metricsPort = await freePort();
    server = await startServer({ confText: `{"mediaServer":{
      "net":{"websocket":{"port":PORT,"path":"kurento","threads":2},
             "monitoring":{"port":${metricsPort}}},
      "limits":{"maxConnections":3,"maxSessionsPerConnection":2,"maxObjectsPerSession":3,
                "maxMessageBytes":65536,"maxRequestsPerSecond":20,"requestBurst":20}}}` });
  });

  after(async () => { if (server) await stopped(server); });

  const refusals = async (limit) => metricValue((await httpGet(metricsPort, '/metrics')).body,
    'kms_limit_refusals_total', `limit="${limit}"`);

  it('refuses a connection over maxConnections with 503 before the upgrade', async () => {
    const open = [];
    for (let i = 0; i < 3; i++) open.push(await connect(server.url));
    const refused = await tryUpgrade(server.url);
    assert.equal(refused.status, 503);
    assert.equal(refused.headers['retry-after'], '5');
    assert.match(JSON.parse(refused.body).error, /maxConnections/);
    await open.pop().close();
    const deadline = Date.now() + 5000;
    let again = await tryUpgrade(server.url);
    while (again !== 'open' && Date.now() < deadline) {
      await sleep(100);
      again = await tryUpgrade(server.url);
    }
    assert.equal(again, 'open', 'a freed slot must be usable again');
    for (const rpc of open) await rpc.close();
    assert.ok(await refusals('maxConnections') >= 1);
  });

  it('refuses a third session on one connection', async () => {
    const rpc = await connect(server.url);
    await rpc.call('describe', { object: 'manager_ServerManager', sessionId: 'session-a' });
    await rpc.call('describe', { object: 'manager_ServerManager', sessionId: 'session-b' });
    const error = await rpc.error('describe', { object: 'manager_ServerManager', sessionId: 'session-c' });
    assert.equal(error.code, 40009, JSON.stringify(error));
    assert.equal(error.data.type, 'NOT_ENOUGH_RESOURCES');
    assert.match(error.message, /maxSessionsPerConnection/);
    assert.equal((await rpc.call('describe', { object: 'manager_ServerManager', sessionId: 'session-a' })).sessionId, 'session-a');
    await rpc.close();
    assert.ok(await refusals('maxSessionsPerConnection') >= 1);
  });

  it('refuses a fourth object of one session; a release makes room (kurento-client)', async () => {
    const client = await kurentoClient(server.url, { failAfter: 1, strict: true });
    try {
      const pipeline = await client.create('MediaPipeline');
      const first = await pipeline.create('PassThrough');
      await pipeline.create('PassThrough');
      const error = await errorOf((cb) => pipeline.create('PassThrough', cb));
      assert.equal(error && error.code, 40009, String(error));
      assert.match(error.message, /maxObjectsPerSession/);
      await first.release();
      const again = await pipeline.create('PassThrough');
      assert.match(again.id, /PassThrough$/);
      await pipeline.release();
    } finally {
      client.close();
    }
    assert.ok(await refusals('maxObjectsPerSession') >= 1);
  });

  it('answers a message over maxMessageBytes with an error carrying its id, and keeps the connection', async () => {
    const rpc = await connect(server.url);
    const big = `{"jsonrpc":"2.0","id":"big","method":"ping","params":{"p":"${'y'.repeat(100000)}"}}`;
    const answer = await rpc.sendRaw(big, 'big');
    assert.equal(answer.error.code, 40009, JSON.stringify(answer));
    assert.match(answer.error.message, /100\d\d\d bytes.*maxMessageBytes/);
    assert.equal((await rpc.call('ping', {})).value, 'pong');
    await rpc.close();

    const client = await kurentoClient(server.url, { failAfter: 1, strict: true });
    try {
      const pipeline = await client.create('MediaPipeline');
      const error = await errorOf((cb) => pipeline.setName('n'.repeat(70000), cb));
      assert.equal(error && error.code, 40009, String(error));
      await pipeline.setName('short');
      assert.equal(await pipeline.getName(), 'short');
      await pipeline.release();
    } finally {
      client.close();
    }
    assert.ok(await refusals('maxMessageBytes') >= 2);
  });

  it('refuses requests over maxRequestsPerSecond, then serves again', async () => {
    const rpc = await connect(server.url);
    const answers = await Promise.all(Array.from({ length: 60 }, () => rpc.request('ping', {})));
    const passed = answers.filter((a) => a.result).length;
    const refused = answers.filter((a) => a.error);
    console.log(`rate limit 20/s, burst 20: ${passed} of 60 pings sent at once passed, ${refused.length} got 40009`);
    assert.ok(passed >= 20 && passed < 40, `${passed} of 60 passed`);
    assert.equal(refused.length, 60 - passed);
    for (const answer of refused) {
      assert.equal(answer.error.code, 40009);
      assert.match(answer.error.message, /maxRequestsPerSecond/);
    }
    await sleep(1500);
    assert.equal((await rpc.call('ping', {})).value, 'pong');
    await rpc.close();
    assert.ok(await refusals('maxRequestsPerSecond') >= 60 - passed);
  });
});

describe('access settings in kurento.conf.json', () => {
  const refused = (confText, pattern) => assert.rejects(startServer({ confText }), pattern);

  it('stops the server at start-up naming the file and the key', async () => {
    await refused('{"mediaServer":{"net":{"websocket":{"port":PORT,"secret":"short"}}}}',
      /kurento\.conf\.json: mediaServer\.net\.websocket\.secret: the secret has 5 characters/);
    await refused('{"mediaServer":{"net":{"websocket":{"port":PORT},"monitoring":{"port":PORT}}}}',
      /kurento\.conf\.json: mediaServer\.net\.monitoring\.port: \d+ is also a WebSocket port/);
    await refused('{"mediaServer":{"net":{"websocket":{"port":PORT}},"limits":{"maxConnections":"lots"}}}',
      /kurento\.conf\.json: mediaServer\.limits\.maxConnections: expected an integer/);
    await refused('{"mediaServer":{"net":{"websocket":{"port":PORT}},"limits":{"maxMessageBytes":10}}}',
      /mediaServer\.limits\.maxMessageBytes: 10 is outside/);
  });
});
