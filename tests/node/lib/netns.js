// A network namespace joined to this one by a veth pair, for tests that shape traffic with
// tc netem without touching the host's own interfaces. Needs root (as CI and Quick start run).
'use strict';

const { execFileSync } = require('node:child_process');

function run(...args) {
  execFileSync(args[0], args.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
}

function createNetns() {
  const id = `${process.pid % 10000}`;
  const name = `kmst${id}`;
  const outer = `kmsa${id}`;
  const inner = `kmsb${id}`;
  const subnet = `10.77.${process.pid % 250}`;
  run('ip', 'netns', 'add', name);
  try {
    run('ip', 'link', 'add', outer, 'type', 'veth', 'peer', 'name', inner);
    run('ip', 'link', 'set', inner, 'netns', name);
    run('ip', 'addr', 'add', `${subnet}.1/24`, 'dev', outer);
    run('ip', 'link', 'set', outer, 'up');
    run('ip', 'netns', 'exec', name, 'ip', 'addr', 'add', `${subnet}.2/24`, 'dev', inner);
    run('ip', 'netns', 'exec', name, 'ip', 'link', 'set', inner, 'up');
    run('ip', 'netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
  } catch (error) {
    run('ip', 'netns', 'del', name);
    throw error;
  }
  return {
    name,
    outsideAddress: `${subnet}.1`,
    insideAddress: `${subnet}.2`,
    // A bandwidth limit (token bucket, tail drop) on what goes from here into the namespace:
    // the media towards the server loses what exceeds it. (tbf, not netem: the kernels this
    // runs on do not all have sch_netem, and a rate limit is what congestion looks like.)
    limitRate(kbps) {
      run('tc', 'qdisc', 'replace', 'dev', outer, 'root', 'tbf', 'rate', `${kbps}kbit`,
        'burst', '4kb', 'latency', '50ms');
    },
    clearLimit() {
      run('tc', 'qdisc', 'del', 'dev', outer, 'root');
    },
    destroy() {
      try { run('ip', 'link', 'del', outer); } catch (e) { /* gone with the namespace */ }
      run('ip', 'netns', 'del', name);
    },
  };
}

// REMB values (bps) in an RTCP compound packet.
function rembValues(packet) {
  const values = [];
  for (let offset = 0; offset + 4 <= packet.length;) {
    const fmt = packet[offset] & 0x1f;
    const type = packet[offset + 1];
    const bytes = (packet.readUInt16BE(offset + 2) + 1) * 4;
    if (type === 206 && fmt === 15 && bytes >= 24 &&
        packet.toString('latin1', offset + 12, offset + 16) === 'REMB') {
      const exponent = packet[offset + 17] >> 2;
      const mantissa = ((packet[offset + 17] & 3) << 16) | (packet[offset + 18] << 8) | packet[offset + 19];
      values.push(mantissa * 2 ** exponent);
    }
    offset += bytes;
  }
  return values;
}

module.exports = { createNetns, rembValues };
