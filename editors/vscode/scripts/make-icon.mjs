// Draws the extension icon (a small graph of linked notes) as a 128x128 PNG, with no
// dependencies: `node scripts/make-icon.mjs media/icon.png`.
import { writeFileSync } from 'fs';
import { deflateSync } from 'zlib';

const N = 128;
const SS = 4; // supersampling per axis

const bg = [31, 59, 45];       // deep moss
const line = [143, 196, 138];  // pale green
const node = [231, 244, 214];  // light
const hub = [246, 196, 92];    // amber

const nodes = [
  [64, 60, 13, hub],
  [28, 30, 8, node],
  [100, 28, 9, node],
  [26, 96, 9, node],
  [98, 98, 10, node],
  [64, 108, 6, node],
  [108, 64, 6, node],
];
const edges = [[0, 1], [0, 2], [0, 3], [0, 4], [4, 5], [2, 6], [4, 6], [1, 3]];

function inRoundedRect(x, y) {
  const r = 26, lo = 2, hi = N - 2;
  if (x < lo || y < lo || x > hi || y > hi) return false;
  const cx = Math.min(Math.max(x, lo + r), hi - r);
  const cy = Math.min(Math.max(y, lo + r), hi - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function distToSegment(px, py, ax, ay, bx, by) {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

// Colour of one sample point: [r, g, b, a].
function sample(x, y) {
  if (!inRoundedRect(x, y)) return [0, 0, 0, 0];
  for (const [cx, cy, r, c] of nodes) {
    const d = Math.hypot(x - cx, y - cy);
    if (d <= r) return [...c, 255];
    if (d <= r + 2.5) return [...bg, 255]; // a gap around each node
  }
  for (const [a, b] of edges) {
    const [ax, ay] = nodes[a], [bx, by] = nodes[b];
    if (distToSegment(x, y, ax, ay, bx, by) <= 2.6) return [...line, 255];
  }
  return [...bg, 255];
}

const raw = Buffer.alloc(N * (N * 4 + 1));
for (let y = 0; y < N; y++) {
  raw[y * (N * 4 + 1)] = 0; // filter: none
  for (let x = 0; x < N; x++) {
    let r = 0, g = 0, b = 0, a = 0;
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const [cr, cg, cb, ca] = sample(x + (sx + 0.5) / SS, y + (sy + 0.5) / SS);
        r += cr * ca; g += cg * ca; b += cb * ca; a += ca;
      }
    }
    const o = y * (N * 4 + 1) + 1 + x * 4;
    raw[o] = a ? Math.round(r / a) : 0;
    raw[o + 1] = a ? Math.round(g / a) : 0;
    raw[o + 2] = a ? Math.round(b / a) : 0;
    raw[o + 3] = Math.round(a / (SS * SS));
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(N, 0);
ihdr.writeUInt32BE(N, 4);
ihdr[8] = 8;  // bit depth
ihdr[9] = 6;  // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(process.argv[2] ?? 'media/icon.png', png);
