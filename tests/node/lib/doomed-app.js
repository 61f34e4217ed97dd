// A Kurento application that is killed without releasing anything (client-death and shutdown
// tests): it connects with the official kurento-client, creates `calls` loop calls, prints one
// JSON line {sessionId, rtpPorts, pipelines, receivers} and waits to be killed.
//   node doomed-app.js <ws url> <calls>
// In a process of its own, so that the test can kill it, and because kurento-client 7 throws
// uncaught errors when its server goes away.
'use strict';

const { spawn } = require('node:child_process');
const kurentoClient = require('kurento-client');

const { loopCall } = require('./loop-calls');

async function main() {
  const [url, count] = process.argv.slice(2);
  const client = await kurentoClient(url, { failAfter: 1, strict: true });
  const calls = [];
  for (let i = 0; i < Number(count); i++) calls.push(await loopCall(client));
  process.stdout.write(`${JSON.stringify({
    sessionId: client.sessionId,
    rtpPorts: calls.map((call) => call.rtpPort),
    pipelines: calls.map((call) => call.pipeline.id),
    receivers: calls.map((call) => call.receiver.id),
  })}\n`);
  setInterval(() => {}, 1000);  // until killed
}

// Runs this script; resolves { child, info } once it has created its calls.
async function startApp(url, calls, timeoutMs = 90000) {
  const child = spawn(process.execPath, [__filename, url, String(calls)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  const deadline = Date.now() + timeoutMs;
  while (!output.includes('\n')) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`the application did not create its calls:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, info: JSON.parse(output.split('\n')[0]) };
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  });
}

module.exports = { startApp };
