// The hat the Magic Mirror puts on faces, drawn as a PNG (RGBA, transparent around the hat)
// when the app starts, so that the tutorial ships no binary file.
'use strict';

const zlib = require('node:zlib');

const SIZE = 160;
const HAT = [200, 0, 200, 255];     // purple felt
const BAND = [255, 215, 0, 255];    // a golden band
const CLEAR = [0, 0, 0, 0];

// A top hat: a crown in the middle, a band, and a brim along the bottom third.
function hatPixel(x, y) {
  if (y >= 110) return HAT;                                     // brim
  if (x >= 40 && x < 120 && y >= 90) return BAND;              // band
  if (x >= 40 && x < 120 && y >= 10) return HAT;               // crown
  return CLEAR;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = (c & 1) ? (0xedb88320 ^ (c >>> 1)) : (c >>> 1);
  return c >>> 0;
});

function crc32(buffer) {
  let crc = 0xffffffff;
  for (const byte of buffer) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function hatPng() {
  const stride = SIZE * 4 + 1;
  const rows = Buffer.alloc(stride * SIZE);
  for (let y = 0; y < SIZE; y += 1) {
    for (let x = 0; x < SIZE; x += 1) Buffer.from(hatPixel(x, y)).copy(rows, y * stride + 1 + x * 4);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header.set([8, 6, 0, 0, 0], 8);  // 8-bit RGBA
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

module.exports = { hatPng, HAT_COLOUR: HAT.slice(0, 3) };
