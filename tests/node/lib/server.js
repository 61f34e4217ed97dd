// Starts the real kurento-media-server on a free loopback port and stops it afterwards.
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { SERVER_MEDIA_PORTS, freeTcpPort: freePort } = require('./ports');

// The sanitizer job (scripts/sanitizer-env.sh) starts a slower, instrumented server.
const START_TIMEOUT_MS = Number(process.env.KMS_TEST_START_TIMEOUT_MS || 15000);
// There, its exit (with LeakSanitizer's check) is slower too, and must be clean.
const SANITIZED = process.env.KMS_TEST_SANITIZED === '1';
const STOP_TIMEOUT_MS = SANITIZED ? 30000 : 5000;

// The threads of a server that did not exit on SIGTERM (gdb, when the machine has it), so that a
// hang at shutdown says where it hangs.
function threadStacks(pid) {
  const gdb = spawnSync('gdb', ['-p', String(pid), '-batch', '-ex', 'thread apply all bt 25'],
    { encoding: 'utf8', timeout: 120000, maxBuffer: 16 * 1024 * 1024 });
  return gdb.error ? `(no thread stacks: ${gdb.error.message})` : gdb.stdout;
}

// Returns { url, port, process, output(), stop() } once the server prints that it listens.
async function startServer(extraConfig = {}) {
  const binary = process.env.KMS_BINARY;
  const modulesPath = process.env.KMS_MODULES_PATH;
  if (!binary || !modulesPath) {
    throw new Error('KMS_BINARY and KMS_MODULES_PATH must name the built server and modules');
  }
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kms-node-'));
  const confFile = path.join(dir, 'kurento.conf.json');
  const resources = Object.assign({ garbageCollectorPeriod: 240 }, extraConfig.resources || {});
  const websocket = Object.assign({ port, path: 'kurento', threads: 2 }, extraConfig.websocket || {});
  // extraConfig.confText: a whole kurento.conf.json, with PORT standing for the port.
  const confText = extraConfig.confText ? extraConfig.confText.replace(/PORT/g, String(port))
    : `// written by the node tests
{
  "mediaServer": {
    "resources": ${JSON.stringify(resources)},
    "net": { "websocket": ${JSON.stringify(websocket)} }
  }
}
`;
  fs.writeFileSync(confFile, confText);
  // extraConfig.ini: { 'MediaElement.conf.ini': 'text' } under <modules-config-path>/kurento/.
  const iniDir = path.join(dir, 'modules', 'kurento');
  fs.mkdirSync(iniDir, { recursive: true });
  const ini = {
    'BaseRtpEndpoint.conf.ini': `minPort=${SERVER_MEDIA_PORTS.min}\nmaxPort=${SERVER_MEDIA_PORTS.max}\n`,
    ...extraConfig.ini,
  };
  // KMS_TEST_LEAN=0: every server of the run serves receive-only viewers with webrtcbin, not the
  // lean transport (1: with the lean one, the default); a test's own setting comes after it.
  if (['0', '1'].includes(process.env.KMS_TEST_LEAN)) {
    const lean = process.env.KMS_TEST_LEAN === '1';
    ini['WebRtcEndpoint.conf.ini'] = `leanSendTransport=${lean}\n${ini['WebRtcEndpoint.conf.ini'] || ''}`;
  }
  for (const [name, text] of Object.entries(ini)) {
    fs.writeFileSync(path.join(iniDir, name), text);
  }
  // extraConfig.netns: run inside that network namespace (reached at extraConfig.host).
  const args = ['-f', confFile, '--modules-path', modulesPath,
    '--modules-config-path', path.join(dir, 'modules')];
  const command = extraConfig.netns ? 'ip' : binary;
  const commandArgs = extraConfig.netns ? ['netns', 'exec', extraConfig.netns, binary, ...args] : args;
  const child = spawn(command, commandArgs,
  { stdio: ['ignore', 'pipe', 'pipe'], env: { GST_DEBUG: '2', ...process.env } });
  let output = '';
  const collect = (chunk) => { output += chunk.toString(); };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);

  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)),
      START_TIMEOUT_MS);
    const check = () => {
      if (output.includes(extraConfig.websocket && extraConfig.websocket.secure
        ? 'listening on wss://' : 'listening on ws://')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  child.removeAllListeners('exit');

  return {
    port,
    dir,
    url: `ws://${extraConfig.host || '127.0.0.1'}:${port}/kurento`,
    process: child,
    output: () => output,
    stop: () => new Promise((resolve, reject) => {
      if (child.exitCode !== null) {
        resolve(child.exitCode);
        return;
      }
      const killer = setTimeout(() => {
        output += `\n*** no exit ${STOP_TIMEOUT_MS} ms after SIGTERM; its threads:\n${threadStacks(child.pid)}`;
        child.kill('SIGKILL');
      }, STOP_TIMEOUT_MS);
      child.once('exit', (code, signal) => {
        clearTimeout(killer);
        fs.rmSync(dir, { recursive: true, force: true });
        // The sanitizer job: a report (a leak found at exit, UB, a bad access) fails the test.
        if (SANITIZED && (code !== 0 || signal !== null)) {
          reject(new Error(`sanitized server exited with ${code ?? signal}:\n${output.slice(-20000)}`));
          return;
        }
        resolve(code);
      });
      child.kill('SIGTERM');
    }),
  };
}

module.exports = { startServer, freePort };
