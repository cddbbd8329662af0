#!/usr/bin/env node
// Generates the tray icons (assets/icons/{ok,problem,down,unknown}.{png,ico}) so they are reproducible from
// source instead of being opaque binaries. Pure Node: a filled, anti-aliased circle per state, written as an
// RGBA PNG with node:zlib. Windows' tray needs .ico; an ICO whose entries are PNGs is valid since Vista.
// Run: node assets/make-icons.mjs   (the generated files are committed)
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";

/** State → fill colour [r, g, b]; the rim is the same colour darkened. */
const STATES = {
  ok: [0x2e, 0xa0, 0x43], // green: BSG reachable
  problem: [0xf0, 0xa0, 0x20], // amber: degraded / unclear
  down: [0xd9, 0x30, 0x25], // red: cannot play
  unknown: [0x8a, 0x8f, 0x98], // grey: starting, paused, no data
};
const SIZES = [16, 32];
const PNG_SIZE = 32;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** RGBA pixels of a circle with a 1.5 px darker rim; edge coverage by 4×4 supersampling. */
function circlePixels(size, [r, g, b]) {
  const px = Buffer.alloc(size * size * 4);
  const c = size / 2;
  const outer = size / 2 - 0.5;
  const rim = Math.max(1, size / 20);
  const dark = [r, g, b].map((v) => Math.round(v * 0.62));
  const S = 4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let cover = 0;
      let rimCover = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const d = Math.hypot(x + (sx + 0.5) / S - c, y + (sy + 0.5) / S - c);
          if (d <= outer) {
            cover++;
            if (d > outer - rim) rimCover++;
          }
        }
      }
      const i = (y * size + x) * 4;
      const t = cover === 0 ? 0 : rimCover / cover;
      px[i] = Math.round(r * (1 - t) + dark[0] * t);
      px[i + 1] = Math.round(g * (1 - t) + dark[1] * t);
      px[i + 2] = Math.round(b * (1 - t) + dark[2] * t);
      px[i + 3] = Math.round((255 * cover) / (S * S));
    }
  }
  return px;
}

function png(size, rgb) {
  const px = circlePixels(size, rgb);
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) px.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4); // filter 0
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** ICO container whose entries are PNG images (one per size). */
function ico(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // type 1 = icon
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, data }) => {
    const e = Buffer.alloc(16);
    e.writeUInt8(size >= 256 ? 0 : size, 0);
    e.writeUInt8(size >= 256 ? 0 : size, 1);
    e.writeUInt16LE(1, 4); // planes
    e.writeUInt16LE(32, 6); // bits per pixel
    e.writeUInt32LE(data.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += data.length;
    return e;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.data)]);
}

const outDir = join(dirname(fileURLToPath(import.meta.url)), "icons");
mkdirSync(outDir, { recursive: true });
for (const [name, rgb] of Object.entries(STATES)) {
  writeFileSync(join(outDir, `${name}.png`), png(PNG_SIZE, rgb));
  writeFileSync(join(outDir, `${name}.ico`), ico(SIZES.map((size) => ({ size, data: png(size, rgb) }))));
}
console.log(`wrote ${Object.keys(STATES).length * 2} icons to ${outDir}`);
