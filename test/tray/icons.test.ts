/**
 * The tray icons: the committed files are exactly what assets/make-icons.mjs makes (so they cannot drift from
 * their source), every .ico carries a 16 px image, and the four states can be told apart without colour: in
 * greyscale their 16 px images differ clearly in shape, and each glyph contrasts with its badge.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { inflateSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";

const ASSETS = resolve(import.meta.dirname, "../../assets");
const STATES = ["ok", "problem", "down", "unknown"] as const;
const out = mkdtempSync(join(tmpdir(), "tca-icons-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** RGBA pixels of a PNG the generator wrote (8-bit RGBA, filter 0 on every row). */
function decodePng(buf: Buffer): { size: number; px: Buffer } {
  let off = 8;
  let size = 0;
  const idat: Buffer[] = [];
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString("ascii", off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === "IHDR") size = data.readUInt32BE(0);
    if (type === "IDAT") idat.push(data);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const px = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    expect(raw[y * (size * 4 + 1)]).toBe(0);
    raw.copy(px, y * size * 4, y * (size * 4 + 1) + 1, (y + 1) * (size * 4 + 1));
  }
  return { size, px };
}

/** The ICO's entries as [size, png bytes]. */
function icoEntries(buf: Buffer): Array<[number, Buffer]> {
  const n = buf.readUInt16LE(4);
  return Array.from({ length: n }, (_, i) => {
    const e = 6 + 16 * i;
    return [buf.readUInt8(e) || 256, buf.subarray(buf.readUInt32LE(e + 12), buf.readUInt32LE(e + 12) + buf.readUInt32LE(e + 8))];
  });
}

/** Luminance (0–255) of each pixel composited on mid grey: what a colour-blind player or a grey theme sees. */
function grey(px: Buffer): number[] {
  const out: number[] = [];
  for (let i = 0; i < px.length; i += 4) {
    const a = px[i + 3]! / 255;
    const l = 0.2126 * px[i]! + 0.7152 * px[i + 1]! + 0.0722 * px[i + 2]!;
    out.push(l * a + 128 * (1 - a));
  }
  return out;
}

const icon16 = (state: string) => decodePng(icoEntries(readFileSync(join(ASSETS, "icons", `${state}.ico`))).find(([s]) => s === 16)![1]);

describe("tray icons", () => {
  it("the committed icons are what assets/make-icons.mjs generates", () => {
    execFileSync(process.execPath, [join(ASSETS, "make-icons.mjs"), out]);
    for (const s of STATES) {
      for (const ext of ["png", "ico"]) expect(readFileSync(join(out, `${s}.${ext}`)).equals(readFileSync(join(ASSETS, "icons", `${s}.${ext}`))), `${s}.${ext}`).toBe(true);
    }
  });

  it("each .ico has 16, 20, 24, 32 and 48 px images", () => {
    for (const s of STATES) expect(icoEntries(readFileSync(join(ASSETS, "icons", `${s}.ico`))).map(([size]) => size)).toEqual([16, 20, 24, 32, 48]);
  });

  it("in greyscale at 16 px the four states still look different (shape, not colour)", () => {
    const g = Object.fromEntries(STATES.map((s) => [s, grey(icon16(s).px)]));
    for (const a of STATES) {
      for (const b of STATES) {
        if (a >= b) continue;
        // Pixels whose grey level differs by more than a quarter of the range: shape differences, not tints.
        const differing = g[a]!.filter((v, i) => Math.abs(v - g[b]![i]!) > 64).length;
        expect(differing, `${a} vs ${b}`).toBeGreaterThanOrEqual(20);
      }
    }
  });

  it("each glyph stands out from its badge (bright against dark, or dark against bright)", () => {
    for (const s of STATES) {
      const { px, size } = icon16(s);
      const lum = grey(px).filter((_, i) => px[i * 4 + 3]! === 255);
      const sorted = [...lum].sort((x, y) => x - y);
      // The darkest and brightest tenth of the badge's opaque pixels: badge and glyph.
      const lo = sorted[Math.floor(sorted.length * 0.1)]!;
      const hi = sorted[Math.floor(sorted.length * 0.9)]!;
      expect(hi - lo, `${s} at ${size} px`).toBeGreaterThan(90);
    }
  });
});
