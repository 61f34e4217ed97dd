// A real coturn TURN server for the tests: it listens on loopback and relays from this host's
// first non-loopback IPv4 address (a relay address on 127.0.0.1 cannot reach the host's own
// candidates), long-term credentials, one user.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { freePort } = require('./server');

function hostAddress() {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const address of addresses) {
      if (address.family === 'IPv4' && !address.internal) return address.address;
    }
  }
  return '127.0.0.1';
}

async function startCoturn() {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kms-coturn-'));
  const user = 'kms';
  const password = 'secret';
  const child = spawn('turnserver', ['-n', '-v', '--listening-ip=127.0.0.1', `--listening-port=${port}`,
    `--relay-ip=${hostAddress()}`, '--min-port=49160', '--max-port=49460', '--lt-cred-mech',
    `--user=${user}:${password}`, '--realm=kms.test', '--allow-loopback-peers', '--no-tls',
    '--no-dtls', '--no-cli', `--pidfile=${path.join(dir, 'turn.pid')}`, '--log-file=stdout'],
  { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  await new Promise((resolve) => setTimeout(resolve, 500));
  if (child.exitCode !== null) throw new Error(`coturn did not start:\n${output}`);
  return {
    port,
    user,
    password,
    output: () => output,
    stop: () => {
      child.kill('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

module.exports = { startCoturn };
