#!/usr/bin/env node
// Generates the tray icons (assets/icons/{ok,problem,down,unknown}.{png,ico}) so they are reproducible from
// source instead of being opaque binaries. Pure Node: shapes as signed distance functions, 8×8 supersampled,
// written as RGBA PNGs with node:zlib. Windows' tray needs .ico; an ICO whose entries are PNGs is valid since Vista.
//
// The icons do not rely on colour alone: each state has its own shape, legible at 16 px and in high contrast —
//   ok      green disc, white check mark
//   problem amber warning triangle, black exclamation mark
//   down    red disc, white cross
//   unknown grey disc, white pause bars (starting, paused, no data)
// Glyph and background keep a contrast of at least 4.5:1, and every badge has a dark rim so it stands out on a
// light taskbar as on a dark one.
// Run: node assets/make-icons.mjs [outDir]   (default: assets/icons; the generated files are committed, and
// test/tray/icons.test.ts checks they are what this script makes)
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";

const WHITE = [0xff, 0xff, 0xff];
const INK = [0x1b, 0x1b, 0x1b];

/** Signed distances (negative inside) in a unit square, y down. */
const sd = {
  circle: (cx, cy, r) => (x, y) => Math.hypot(x - cx, y - cy) - r,
  /** A stroke from (ax, ay) to (bx, by) with round ends. */
  segment: (ax, ay, bx, by, halfWidth) => (x, y) => {
    const dx = bx - ax;
    const dy = by - ay;
    const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
    return Math.hypot(x - ax - t * dx, y - ay - t * dy) - halfWidth;
  },
  /** An axis-aligned box with slightly rounded corners. */
  box: (cx, cy, hw, hh, r) => (x, y) => {
    const qx = Math.abs(x - cx) - hw + r;
    const qy = Math.abs(y - cy) - hh + r;
    return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
  },
  /** A triangle with rounded corners (Inigo Quilez's exact triangle distance, less the rounding). */
  triangle: (p0, p1, p2, r) => (x, y) => {
    const e = [sub(p1, p0), sub(p2, p1), sub(p0, p2)];
    const v = [sub([x, y], p0), sub([x, y], p1), sub([x, y], p2)];
    const s = Math.sign(e[0][0] * e[2][1] - e[0][1] * e[2][0]);
    let best = [Infinity, Infinity];
    for (let i = 0; i < 3; i++) {
      const t = Math.max(0, Math.min(1, dot(v[i], e[i]) / dot(e[i], e[i])));
      const pq = [v[i][0] - e[i][0] * t, v[i][1] - e[i][1] * t];
      const cand = [dot(pq, pq), s * (v[i][0] * e[i][1] - v[i][1] * e[i][0])];
      best = [Math.min(best[0], cand[0]), Math.min(best[1], cand[1])];
    }
    return -Math.sqrt(best[0]) * Math.sign(best[1]) - r;
  },
  union: (...fs) => (x, y) => Math.min(...fs.map((f) => f(x, y))),
};
function sub(a, b) {
  return [a[0] - b[0], a[1] - b[1]];
}
function dot(a, b) {
  return a[0] * b[0] + a[1] * b[1];
}

const DISC = sd.circle(0.5, 0.5, 0.5);
/** State → badge shape and colour, glyph shape and colour. The rim is the badge colour darkened. */
const STATES = {
  ok: {
    badge: DISC,
    fill: [0x1a, 0x7f, 0x37], // green: BSG reachable (white on it: 5.1:1)
    glyph: sd.union(sd.segment(0.26, 0.52, 0.43, 0.69, 0.085), sd.segment(0.43, 0.69, 0.75, 0.33, 0.085)),
    ink: WHITE,
  },
  problem: {
    badge: sd.triangle([0.5, 0.045], [0.985, 0.93], [0.015, 0.93], 0.035),
    fill: [0xf5, 0xb3, 0x01], // amber: shaky or unclear (black on it: 10:1)
    glyph: sd.union(sd.segment(0.5, 0.37, 0.5, 0.6, 0.08), sd.circle(0.5, 0.78, 0.085)),
    ink: INK,
  },
  down: {
    badge: DISC,
    fill: [0xc9, 0x1f, 0x26], // red: you can't play (white on it: 5.6:1)
    glyph: sd.union(sd.segment(0.31, 0.31, 0.69, 0.69, 0.09), sd.segment(0.69, 0.31, 0.31, 0.69, 0.09)),
    ink: WHITE,
  },
  unknown: {
    badge: DISC,
    fill: [0x5f, 0x67, 0x70], // grey: starting, paused, no data (white on it: 5.9:1)
    glyph: sd.union(sd.box(0.385, 0.5, 0.075, 0.2, 0.02), sd.box(0.615, 0.5, 0.075, 0.2, 0.02)),
    ink: WHITE,
  },
};
const SIZES = [16, 20, 24, 32, 48];
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

/** RGBA pixels of one state's icon at `size` px; each pixel averages 8×8 samples (premultiplied, then divided). */
function iconPixels(size, state) {
  const px = Buffer.alloc(size * size * 4);
  const S = 8;
  // Half a pixel of margin so the badge's edge is not cut; a rim of about 1 px at any size.
  const inset = 0.5 / size;
  const rim = Math.max(1, size / 24) / size;
  const dark = state.fill.map((v) => Math.round(v * 0.55));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const acc = [0, 0, 0];
      let alpha = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          // Sample point in unit space, the badge scaled in by the margin.
          const u = ((x + (sx + 0.5) / S) / size - 0.5) / (1 - 2 * inset) + 0.5;
          const v = ((y + (sy + 0.5) / S) / size - 0.5) / (1 - 2 * inset) + 0.5;
          const b = state.badge(u, v);
          if (b > 0) continue;
          const colour = state.glyph(u, v) <= 0 ? state.ink : b > -rim ? dark : state.fill;
          for (let k = 0; k < 3; k++) acc[k] += colour[k];
          alpha++;
        }
      }
      const i = (y * size + x) * 4;
      for (let k = 0; k < 3; k++) px[i + k] = alpha === 0 ? 0 : Math.round(acc[k] / alpha);
      px[i + 3] = Math.round((255 * alpha) / (S * S));
    }
  }
  return px;
}

function png(size, state) {
  const px = iconPixels(size, state);
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

const outDir = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), "icons"));
mkdirSync(outDir, { recursive: true });
for (const [name, state] of Object.entries(STATES)) {
  writeFileSync(join(outDir, `${name}.png`), png(PNG_SIZE, state));
  writeFileSync(join(outDir, `${name}.ico`), ico(SIZES.map((size) => ({ size, data: png(size, state) }))));
}
console.log(`wrote ${Object.keys(STATES).length * 2} icons to ${outDir}`);
