// Free ports for test peers and servers, chosen below the kernel's ephemeral range
// (net.ipv4.ip_local_port_range). A port probed and released inside that range can be taken
// by any socket bound to port 0 (a sender, a relay, a browser, another test running in
// parallel) before the peer that was meant to use it binds it; below the range only another
// explicit choice can, and the probe sees those. The test servers take their media ports in the
// ephemeral range (SERVER_MEDIA_PORTS) so that they never take a peer's port either.
'use strict';

const dgram = require('node:dgram');
const fs = require('node:fs');
const net = require('node:net');

const LOWEST = 20000;
const ATTEMPTS = 200;

function ephemeralRange() {
  try {
    const [start, end] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim().split(/\s+/).map(Number);
    if (start > LOWEST + 1000 && end > start + 1000) return { min: start, max: end };
  } catch {
    // no /proc: Linux's default range
  }
  return { min: 32768, max: 60999 };
}

const SERVER_MEDIA_PORTS = ephemeralRange();
const HIGHEST = SERVER_MEDIA_PORTS.min - 1;

// Resolves true when `port` can be bound on every IPv4 address with `kind` ('udp' or 'tcp').
function canBind(kind, port) {
  return new Promise((resolve) => {
    const socket = kind === 'udp' ? dgram.createSocket('udp4') : net.createServer();
    socket.once('error', () => resolve(false));
    const done = () => socket.close(() => resolve(true));
    if (kind === 'udp') socket.bind(port, '0.0.0.0', done);
    else socket.listen(port, '0.0.0.0', done);
  });
}

// The first of `count` consecutive free ports, even.
async function freeRange(kind, count) {
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const first = LOWEST + 2 * Math.floor(Math.random() * ((HIGHEST - LOWEST - count) / 2));
    let free = true;
    for (let port = first; free && port < first + count; port += 1) free = await canBind(kind, port);
    if (free) return first;
  }
  throw new Error(`no ${count} free ${kind} ports in ${LOWEST}-${HIGHEST} after ${ATTEMPTS} attempts`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// True when some socket of this machine is bound to UDP `port` (/proc/net/udp and udp6).
function udpPortBound(port) {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return ['/proc/net/udp', '/proc/net/udp6'].some((table) => {
    try {
      return fs.readFileSync(table, 'utf8').split('\n').slice(1)
        .some((line) => (line.trim().split(/\s+/)[1] || '').endsWith(hex));
    } catch {
      return false;
    }
  });
}

// Resolves once a socket is bound to UDP `port` (a peer process that has just been started
// binds it when its pipeline starts); rejects after `ms`.
async function waitUdpBound(port, ms = 15000) {
  const deadline = Date.now() + ms;
  while (!udpPortBound(port)) {
    if (Date.now() > deadline) throw new Error(`nothing bound UDP port ${port} within ${ms} ms`);
    await sleep(20);
  }
}

module.exports = {
  SERVER_MEDIA_PORTS,
  waitUdpBound,
  freeUdpPort: () => freeRange('udp', 1),
  freeTcpPort: () => freeRange('tcp', 1),
  freeUdpRange: (count) => freeRange('udp', count),
};
