// Prints the module names ServerManager.getInfo reports, as JSON, for a server started with
// the given binary and modules path. Usage: node server-info.js <server binary> <modules path>
'use strict';

const { spawn } = require('node:child_process');
const net = require('node:net');
const kurentoClient = require('kurento-client');

async function main() {
  const port = await new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const free = probe.address().port;
      probe.close(() => resolve(free));
    });
  });
  const server = spawn(process.argv[2], ['--modules-path', process.argv[3], '--port', String(port)],
    { stdio: ['ignore', 'pipe', 'inherit'] });
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
    const client = await kurentoClient(`ws://127.0.0.1:${port}/kurento`, { failAfter: 1 });
    const manager = await client.getServerManager();
    const info = await manager.getInfo();
    console.log(JSON.stringify(info.modules.map((module) => module.name)));
    client.close();
  } finally {
    server.kill();
  }
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
