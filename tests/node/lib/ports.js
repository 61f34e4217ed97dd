// Free ports for test peers and servers, chosen below the kernel's ephemeral range
// (net.ipv4.ip_local_port_range). A port probed and released inside that range can be taken
// by any socket bound to port 0 (the server's RTP endpoints, a sender, a relay, another test
// running in parallel) before the peer that was meant to use it binds it; below the range only
// another explicit choice can, and the probe sees those.
'use strict';

const dgram = require('node:dgram');
const fs = require('node:fs');
const net = require('node:net');

const LOWEST = 20000;
const ATTEMPTS = 200;

function ephemeralStart() {
  try {
    const [start] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    return Number(start) > LOWEST + 1000 ? Number(start) : 32768;
  } catch {
    return 32768;
  }
}

const HIGHEST = ephemeralStart() - 1;

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

async function freePortOf(kind) {
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const port = LOWEST + Math.floor(Math.random() * (HIGHEST - LOWEST + 1));
    if (await canBind(kind, port)) return port;
  }
  throw new Error(`no free ${kind} port in ${LOWEST}-${HIGHEST} after ${ATTEMPTS} attempts`);
}

module.exports.freeUdpPort = () => freePortOf('udp');
module.exports.freeTcpPort = () => freePortOf('tcp');
