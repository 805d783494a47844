#!/usr/bin/env node
// Draws the app icon, build/icon.png (512×512 RGBA), with nothing but Node: a rounded square
// with a hub and six worker nodes (a cluster), antialiased by supersampling, written as a PNG
// with zlib. electron-builder derives the .icns and .ico from it.
//   node scripts/make-icon.mjs [out.png]
import { Buffer } from 'node:buffer';
import { writeFileSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 512;
/** Subsamples per pixel side (4×4 per pixel). */
const SS = 4;
const CORNER = 112;
const HUB = { r: 62, color: [255, 255, 255] };
const WORKERS = { count: 6, orbit: 150, r: 40, color: [217, 119, 87] };
const LINK = { width: 16, color: [255, 255, 255], alpha: 0.55 };
const TOP = [40, 44, 92];
const BOTTOM = [84, 58, 160];

function insideRoundedSquare(x, y) {
  const cx = Math.min(Math.max(x, CORNER), SIZE - CORNER);
  const cy = Math.min(Math.max(y, CORNER), SIZE - CORNER);
  return (x - cx) ** 2 + (y - cy) ** 2 <= CORNER ** 2;
}

function distToSegment(px, py, ax, ay, bx, by) {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

const C = SIZE / 2;
const workers = Array.from({ length: WORKERS.count }, (_, i) => {
  const a = -Math.PI / 2 + (i * 2 * Math.PI) / WORKERS.count;
  return [C + WORKERS.orbit * Math.cos(a), C + WORKERS.orbit * Math.sin(a)];
});

/** Colour and alpha of one subsample. */
function sample(x, y) {
  if (!insideRoundedSquare(x, y)) return [0, 0, 0, 0];
  const t = y / SIZE;
  let rgb = TOP.map((v, i) => v + (BOTTOM[i] - v) * t);
  const mix = (color, a) => { rgb = rgb.map((v, i) => v + (color[i] - v) * a); };
  for (const [wx, wy] of workers) if (distToSegment(x, y, C, C, wx, wy) <= LINK.width / 2) { mix(LINK.color, LINK.alpha); break; }
  for (let i = 0; i < workers.length; i++) {
    const [ax, ay] = workers[i];
    const [bx, by] = workers[(i + 1) % workers.length];
    if (distToSegment(x, y, ax, ay, bx, by) <= LINK.width / 4) { mix(LINK.color, LINK.alpha / 2); break; }
  }
  for (const [wx, wy] of workers) if (Math.hypot(x - wx, y - wy) <= WORKERS.r) mix(WORKERS.color, 1);
  if (Math.hypot(x - C, y - C) <= HUB.r) mix(HUB.color, 1);
  return [...rgb, 1];
}

function render() {
  const rows = Buffer.alloc(SIZE * (SIZE * 4 + 1));
  for (let y = 0; y < SIZE; y++) {
    rows[y * (SIZE * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < SIZE; x++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const [r, g, b, a] = sample(x + (sx + 0.5) / SS, y + (sy + 0.5) / SS);
          acc[0] += r * a; acc[1] += g * a; acc[2] += b * a; acc[3] += a;
        }
      }
      const o = y * (SIZE * 4 + 1) + 1 + x * 4;
      const alpha = acc[3] / (SS * SS);
      for (let i = 0; i < 3; i++) rows[o + i] = acc[3] > 0 ? Math.round(acc[i] / acc[3]) : 0;
      rows[o + 3] = Math.round(alpha * 255);
    }
  }
  return rows;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

export function iconPng() {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(SIZE, 0);
  ihdr.writeUInt32BE(SIZE, 4);
  ihdr[8] = 8; // bits per channel
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(render(), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = process.argv[2] ?? fileURLToPath(new URL('../build/icon.png', import.meta.url));
  writeFileSync(out, iconPng());
  console.log(`wrote ${out} (${SIZE}×${SIZE})`);
}
