// What the Node benchmarks share: the CPU time of a process and numeric command-line options.
'use strict';

const fs = require('node:fs');

// utime + stime of `pid` in seconds (from /proc, in ticks of 10 ms).
function cpuSeconds(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

// `--name N` of this process's arguments as a number, or `fallback`.
function numberOption(name, fallback) {
  const args = process.argv.slice(2);
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
}

module.exports = { cpuSeconds, numberOption };
