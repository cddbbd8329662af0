/**
 * The support bundle: an allow-listed, redacted, verifiable zip. Every item is streamed line by line through the
 * redactor into a yazl zip written to disk, so memory stays flat however large the game's logs are; each item's
 * SHA-256 is taken over exactly the bytes that went into the zip, and `manifest.json` (written last) lists them with
 * what was redacted, trimmed or skipped and why. A file that cannot be read as text is left out and listed, never
 * included unredacted. The zip appears under its final name only when complete.
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { open, rename, stat, unlink } from "node:fs/promises";
import { arch, platform, release } from "node:os";
import { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import yazl from "yazl";
import { listSources, type SourceItem, type SourceOptions, type Skipped } from "./bundle-sources.js";
import type { BundleRedactor } from "./redaction.js";

export const DEFAULT_CAP_BYTES = 50 * 1024 * 1024;
/** A log that does not fit whole still gives its newest part when at least this much room is left. */
const MIN_TAIL_BYTES = 256 * 1024;
const PREVIEW_DETAILS_CAP = 5_000;

/** A generated item (summary.md, report.html, …): text made by the agent, redacted like everything else. */
export interface GeneratedItem {
  path: string;
  text: string;
}

export interface ManifestItem {
  path: string;
  bytes: number;
  sha256: string;
  source: "generated" | SourceItem["kind"];
  redactions: Record<string, number>;
  /** E.g. "trimmed to its newest 3.2 MB", "grew while bundled: the first 1,234 bytes", "connection lines only". */
  notes: string[];
}

export interface PreviewDetail {
  path: string;
  line: number;
  ruleId: string;
  secretHint: string;
  replacement: string;
}

export interface BundleOptions extends Omit<SourceOptions, "gameLogsDir"> {
  gameLogsDir: string | null;
  /** Zip to write; null with `preview`. */
  out: string | null;
  preview: boolean;
  capBytes: number;
  version: string;
  redactor: BundleRedactor & { engine: string };
  generated: GeneratedItem[];
}

export interface BundleResult {
  path: string | null;
  bytes: number;
  items: ManifestItem[];
  redactions: Record<string, number>;
  trimmed: Skipped[];
  skipped: Skipped[];
  preview: PreviewDetail[];
  /** Items a preview would include (path, bytes before redaction). */
  planned: { path: string; bytes: number }[];
  manifest: Manifest;
}

export interface Manifest {
  schema: 1;
  agent: { name: "tarkov-connection-agent"; version: string };
  created: { utc: string; local: string; offset: string };
  os: { platform: string; release: string; arch: string };
  options: { days: number; capBytes: number; redact: boolean; gameLogs: boolean };
  redaction: { enabled: boolean; engine: string; counts: Record<string, number> };
  items: ManifestItem[];
  trimmed: Skipped[];
  skipped: Skipped[];
}

const CONNECTION_LINE = /websocket|\bping\b|channel|connect|dispose|time[d ]?out|\btls\b|\bssl\b|handshake|error|exception|fail|clos/i;
const RECORD_HEAD = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}/;

const pad = (n: number) => String(n).padStart(2, "0");
export function localStamp(t: number): { local: string; offset: string } {
  const d = new Date(t);
  const off = -d.getTimezoneOffset();
  const offset = `${off < 0 ? "-" : "+"}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  return { local: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${offset}`, offset };
}

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;

/** How a file's bytes are to be decoded, from its first bytes; null = not text (left out). */
async function textEncodingOf(file: string): Promise<{ encoding: "utf8" | "utf16le"; bom: number } | { error: string }> {
  let head: Buffer;
  try {
    const fh = await open(file, "r");
    try {
      const buf = Buffer.alloc(64 * 1024);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (e) {
    return { error: `cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` };
  }
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: "utf16le", bom: 2 };
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: "utf8", bom: 3 };
  if (head.includes(0)) return { error: "not a text file (binary content): left out, never bundled unredacted" };
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: true });
  } catch {
    return { error: "not UTF-8 text: left out, never bundled unredacted" };
  }
  return { encoding: "utf8", bom: 0 };
}

interface Streamed {
  stream: Readable;
  /** Resolves when the stream ended: sha256, bytes, redactions, notes. */
  done: Promise<{ sha256: string; bytes: number; redactions: Record<string, number>; notes: string[] }>;
}

/**
 * Lines in → redacted lines out, hashed and counted on the way. `lines` yields raw lines (without newline) and
 * whether each ended with one.
 */
function redactedStream(path: string, lines: AsyncIterable<[string, boolean]>, redactor: BundleRedactor, preview: PreviewDetail[] | null, filter: ((line: string) => string | null) | null, notes: string[]): Streamed {
  const hash = createHash("sha256");
  let bytes = 0;
  const redactions: Record<string, number> = {};
  let resolveDone!: (v: Awaited<Streamed["done"]>) => void;
  const done = new Promise<Awaited<Streamed["done"]>>((res) => {
    resolveDone = res;
  });
  async function* gen(): AsyncGenerator<Buffer> {
    let n = 0;
    let batch: string[] = [];
    let batchLen = 0;
    const flush = () => {
      const buf = Buffer.from(batch.join(""), "utf8");
      batch = [];
      batchLen = 0;
      hash.update(buf);
      bytes += buf.length;
      return buf;
    };
    try {
      for await (const [raw, nl] of lines) {
        n++;
        const line = filter ? filter(raw) : raw;
        if (line === null) continue;
        const r = redactor.redact(line, preview !== null ? { details: true } : undefined);
        for (const h of r.hits) redactions[h.ruleId] = (redactions[h.ruleId] ?? 0) + h.count;
        if (preview !== null && r.details) {
          for (const d of r.details) if (preview.length < PREVIEW_DETAILS_CAP) preview.push({ path, line: n, ruleId: d.ruleId, secretHint: d.secretHint, replacement: d.replacement });
        }
        const out = nl ? `${r.text}\n` : r.text;
        batch.push(out);
        batchLen += out.length;
        if (batchLen >= 64 * 1024) yield flush();
      }
    } catch (e) {
      // A read error part-way (file deleted, disk error): keep what was read, end the entry cleanly, say so.
      notes.push(`read failed part-way (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): the entry ends there`);
    }
    if (batch.length > 0) yield flush();
    resolveDone({ sha256: hash.digest("hex"), bytes, redactions, notes });
  }
  return { stream: Readable.from(gen(), { objectMode: false }), done };
}

/** Raw lines of a file from `start` to `end` (exclusive), decoded. */
async function* fileLines(file: string, start: number, end: number, encoding: "utf8" | "utf16le"): AsyncGenerator<[string, boolean]> {
  if (end <= start) return;
  const decoder = new StringDecoder(encoding);
  let rest = "";
  for await (const chunk of createReadStream(file, { start, end: end - 1, highWaterMark: 256 * 1024 })) {
    const text = rest + decoder.write(chunk as Buffer);
    let from = 0;
    for (let nl = text.indexOf("\n", from); nl !== -1; nl = text.indexOf("\n", from)) {
      yield [text.slice(from, nl).replace(/\r$/, ""), true];
      from = nl + 1;
    }
    rest = text.slice(from);
  }
  rest += decoder.end();
  if (rest !== "") yield [rest, false];
}

async function* textLines(text: string): AsyncGenerator<[string, boolean]> {
  const parts = text.split("\n");
  for (let i = 0; i < parts.length; i++) {
    if (i === parts.length - 1 && parts[i] === "") return;
    yield [parts[i]!, i < parts.length - 1];
  }
}

/** Push-notification lines: connection events only, never their JSON payloads (teammates' names, inventories). */
function connectionLinesFilter(): (line: string) => string | null {
  return (line) => {
    if (!RECORD_HEAD.test(line)) return null; // continuation lines are payloads
    if (!CONNECTION_LINE.test(line)) return null;
    const brace = line.search(/[{[]/);
    return brace === -1 ? line : `${line.slice(0, brace).trimEnd()} [payload left out]`;
  };
}

/** Chooses what fits under the cap: newest first; a log that does not fit whole gives its newest part. */
export function planItems(items: SourceItem[], budget: number): { take: (SourceItem & { from: number })[]; trimmed: Skipped[] } {
  const take: (SourceItem & { from: number })[] = [];
  const trimmed: Skipped[] = [];
  let left = budget;
  for (const i of [...items].sort((a, b) => b.mtimeMs - a.mtimeMs)) {
    if (i.bytes <= left) {
      take.push({ ...i, from: 0 });
      left -= i.bytes;
    } else if (left >= MIN_TAIL_BYTES && i.kind !== "agent-state") {
      take.push({ ...i, from: i.bytes - left });
      left = 0;
    } else trimmed.push({ path: i.path, reason: `size cap: ${mb(i.bytes)} did not fit (oldest items go first)` });
  }
  return { take, trimmed };
}

/** Builds the bundle (or, with `preview`, only lists what would go in and every redaction). Never throws for bad files. */
export async function createBundle(o: BundleOptions): Promise<BundleResult> {
  const { items: sources, skipped } = await listSources(o);
  const generatedBytes = o.generated.reduce((a, g) => a + Buffer.byteLength(g.text), 0);
  const { take, trimmed } = planItems(sources, Math.max(0, o.capBytes - generatedBytes));
  const preview: PreviewDetail[] | null = o.preview ? [] : null;
  const manifestItems: ManifestItem[] = [];
  const stamp = localStamp(o.now);
  const planned = [...o.generated.map((g) => ({ path: g.path, bytes: Buffer.byteLength(g.text) })), ...take.map((t) => ({ path: t.path, bytes: t.bytes - t.from }))];

  const zip = o.preview ? null : new yazl.ZipFile();
  const partial = o.out === null ? null : `${o.out}.partial-${process.pid}`;
  let written: Promise<void> = Promise.resolve();
  if (zip && partial) {
    const ws = createWriteStream(partial);
    written = new Promise((resolve, reject) => {
      ws.on("close", () => resolve());
      ws.on("error", reject);
      zip.outputStream.on("error", reject);
      zip.on("error", reject);
    });
    zip.outputStream.pipe(ws);
  }
  const mtime = new Date(o.now);

  const add = async (path: string, source: ManifestItem["source"], s: Streamed): Promise<void> => {
    if (zip) zip.addReadStream(s.stream, path, { mtime, compress: true });
    else s.stream.resume(); // preview: run the pipeline, keep nothing
    const r = await s.done;
    await new Promise<void>((resolve) => (s.stream.readableEnded ? resolve() : s.stream.once("end", () => resolve())));
    manifestItems.push({ path, bytes: r.bytes, sha256: r.sha256, source, redactions: r.redactions, notes: r.notes });
  };

  try {
    for (const g of o.generated) await add(g.path, "generated", redactedStream(g.path, textLines(g.text), o.redactor, preview, null, []));
    for (const t of take) {
      const enc = await textEncodingOf(t.file);
      if ("error" in enc) {
        skipped.push({ path: t.path, reason: enc.error });
        continue;
      }
      const notes: string[] = [];
      let end = t.bytes;
      // A log still being written is taken up to its size when listed, so the hash matches what went in.
      const now = await stat(t.file).catch(() => null);
      if (now === null) {
        skipped.push({ path: t.path, reason: "it disappeared while the bundle was made" });
        continue;
      }
      if (now.size > t.bytes) notes.push(`grew while bundled: the first ${t.bytes.toLocaleString("en-US")} bytes are included`);
      if (now.size < t.bytes) {
        end = now.size;
        notes.push("shrank while bundled (rotated or truncated): what was there is included");
      }
      let start = Math.max(t.from, enc.bom);
      if (t.from > 0) {
        notes.push(`trimmed to its newest ${mb(end - t.from)} to fit the size cap`);
        start = await nextLineStart(t.file, t.from, end);
      }
      if (t.connectionLinesOnly) notes.push("connection lines only: notification payloads (teammates' names, inventories) left out");
      await add(t.path, t.kind, redactedStream(t.path, fileLines(t.file, start, end, enc.encoding), o.redactor, preview, t.connectionLinesOnly ? connectionLinesFilter() : null, notes));
    }
  } catch (e) {
    if (partial) await unlink(partial).catch(() => undefined);
    throw e;
  }

  const counts: Record<string, number> = {};
  for (const i of manifestItems) for (const [k, v] of Object.entries(i.redactions)) counts[k] = (counts[k] ?? 0) + v;
  const manifest: Manifest = {
    schema: 1,
    agent: { name: "tarkov-connection-agent", version: o.version },
    created: { utc: new Date(o.now).toISOString(), local: stamp.local, offset: stamp.offset },
    os: { platform: platform(), release: release(), arch: arch() },
    options: { days: o.days, capBytes: o.capBytes, redact: o.redactor.enabled, gameLogs: o.gameLogsDir !== null },
    redaction: { enabled: o.redactor.enabled, engine: o.redactor.engine, counts },
    items: manifestItems,
    trimmed,
    skipped,
  };
  let bytes = 0;
  if (zip && partial && o.out) {
    zip.addBuffer(Buffer.from(JSON.stringify(manifest, null, 2) + "\n", "utf8"), "manifest.json", { mtime, compress: true });
    zip.end();
    try {
      await written;
      await rename(partial, o.out);
    } catch (e) {
      await unlink(partial).catch(() => undefined);
      throw e;
    }
    bytes = (await stat(o.out)).size;
  }
  return { path: o.out, bytes, items: manifestItems, redactions: counts, trimmed, skipped, preview: preview ?? [], planned, manifest };
}

/** The first line start at or after `pos` (so a trimmed log starts on a whole line). */
async function nextLineStart(file: string, pos: number, end: number): Promise<number> {
  const fh = await open(file, "r");
  try {
    const buf = Buffer.alloc(64 * 1024);
    for (let p = pos; p < end; p += buf.length) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, end - p), p);
      if (bytesRead === 0) break;
      const i = buf.subarray(0, bytesRead).indexOf(0x0a);
      if (i !== -1) return p + i + 1;
    }
    return end;
  } finally {
    await fh.close();
  }
}
