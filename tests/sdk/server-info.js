// Starts a server and prints, as JSON, the module names ServerManager.getInfo reports; with
// MODULE_JS and CLASS set, also registers that generated client package, creates CLASS in a
// pipeline and adds its reportInterval, and the names in the IDL that getKmd returns for each
// module getInfo lists.
// Usage: node server-info.js <server binary> <modules path> [more server arguments]
'use strict';

const { spawn } = require('node:child_process');
const net = require('node:net');
const kurentoClient = require('kurento-client');

async function freePort() {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const free = probe.address().port;
      probe.close(() => resolve(free));
    });
  });
}

async function main() {
  const port = await freePort();
  const server = spawn(process.argv[2], ['--modules-path', process.argv[3], '--port', String(port),
    ...process.argv.slice(4)], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the server did not start in 15 s')), 15000);
      server.stdout.on('data', (chunk) => {
        if (chunk.toString().includes('listening on ws://')) {
          clearTimeout(timer);
          resolve();
        }
      });
      server.on('exit', (code) => reject(new Error(`the server exited with ${code}`)));
    });
    if (process.env.MODULE_JS) kurentoClient.register(require(process.env.MODULE_JS));
    const client = await kurentoClient(`ws://127.0.0.1:${port}/kurento`, { failAfter: 1 });
    const manager = await client.getServerManager();
    const info = await manager.getInfo();
    const result = { modules: info.modules.map((module) => module.name) };
    if (process.env.CLASS) {
      const pipeline = await client.create('MediaPipeline');
      const object = await pipeline.create(process.env.CLASS);
      result.reportInterval = await object.getReportInterval();
      result.kmdNames = [];
      for (const module of info.modules) {
        result.kmdNames.push(JSON.parse(await manager.getKmd(module.name)).name);
      }
    }
    console.log(JSON.stringify(result));
    client.close();
  } finally {
    server.kill();
  }
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
