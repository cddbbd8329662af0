/**
 * The support bundle: an allow-listed, redacted, verifiable zip. Every item is streamed in chunks of whole lines
 * through the redaction engine into a yazl zip written to disk, so memory stays flat however large the game's logs
 * are; each item's SHA-256 is taken over exactly the bytes that went into the zip, and `manifest.json` (written last)
 * lists them with what was redacted (rule → count, the engine's own totals), what was trimmed or skipped and why. A
 * file that cannot be read as text is left out and listed, never included unredacted. The zip appears under its
 * final name only when complete.
 *
 * Before anything is written, a first pass reads the game's and the agent's logs for the servers the game's own
 * connection lines name, so those (BSG's raid servers) are kept wherever they appear.
 */
import { createWriteStream } from "node:fs";
import { open, rename, stat, unlink } from "node:fs/promises";
import { arch, platform, release } from "node:os";
import yazl from "yazl";
import type { RuleId } from "../core/redact/index.js";
import { listSources, type SourceItem, type SourceOptions, type Skipped } from "./bundle-sources.js";
import { fileChunks, nextLineStart, redactedStream, scanGameServers, textChunks, type PreviewLine, type PreviewSink, type Streamed, type TextEncodingName } from "./bundle-stream.js";
import { ENGINE_NAME, ruleLegend, type BundleRedactorOptions } from "./redaction.js";
import { createRedactionPool, type PoolChoice } from "./redaction-pool.js";

export const DEFAULT_CAP_BYTES = 50 * 1024 * 1024;
/** A log that does not fit whole still gives its newest part when at least this much room is left. */
const MIN_TAIL_BYTES = 256 * 1024;
/** Logs compress ~10:1; level 3 costs a third of the default's CPU for a zip a few per cent larger. */
const COMPRESSION_LEVEL = 3;

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
  redactions: Partial<Record<RuleId, number>>;
  /** E.g. "trimmed to its newest 3.2 MB", "grew while bundled: the first 1,234 bytes", "connection lines only". */
  notes: string[];
}

export interface BundleOptions extends Omit<SourceOptions, "gameLogsDir"> {
  gameLogsDir: string | null;
  /** Zip to write; null with `preview`. */
  out: string | null;
  preview: boolean;
  capBytes: number;
  version: string;
  /** What the redactor knows (its `keepAddresses` grow by the first pass). */
  redaction: BundleRedactorOptions;
  /** Where redaction runs (default: workers for big bundles when the compiled worker exists). */
  pool?: PoolChoice;
  generated: GeneratedItem[];
}

export interface BundleResult {
  path: string | null;
  bytes: number;
  items: ManifestItem[];
  redactions: Partial<Record<RuleId, number>>;
  trimmed: Skipped[];
  skipped: Skipped[];
  /** `--preview`: each redacted line (capped) and how many there were in all. */
  preview: PreviewLine[];
  previewTotal: number;
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
  redaction: {
    enabled: boolean;
    engine: string;
    /** Replacements per rule over the whole bundle, as the engine counted them. */
    counts: Partial<Record<RuleId, number>>;
    /** Every rule that ran, with what it removes. */
    rules: { id: RuleId; description: string }[];
    /** Public addresses left as they are because they are BSG's (probed servers, raid servers the game named). */
    keptAddresses: string[];
  };
  items: ManifestItem[];
  trimmed: Skipped[];
  skipped: Skipped[];
}

const pad = (n: number) => String(n).padStart(2, "0");
export function localStamp(t: number): { local: string; offset: string } {
  const d = new Date(t);
  const off = -d.getTimezoneOffset();
  const offset = `${off < 0 ? "-" : "+"}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  return { local: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${offset}`, offset };
}

/** Where a zip is written until it is complete (then renamed to `out`); one per process, so two agents never share it. */
export function partialPath(out: string): string {
  return `${out}.partial-${process.pid}`;
}

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;

/** How a file's bytes are to be decoded, from its first bytes; an error = not text (left out). */
async function textEncodingOf(file: string): Promise<{ encoding: TextEncodingName; bom: number } | { error: string }> {
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

/** Chooses what fits under the cap: newest first; a log that does not fit whole gives its newest part. */
export function planItems(items: SourceItem[], budget: number): { take: (SourceItem & { from: number })[]; trimmed: Skipped[] } {
  const take: (SourceItem & { from: number })[] = [];
  const trimmed: Skipped[] = [];
  let left = budget;
  for (const i of [...items].sort((a, b) => b.mtimeMs - a.mtimeMs)) {
    if (i.bytes <= left) {
      take.push({ ...i, from: 0 });
      left -= i.bytes;
    } else if (left >= MIN_TAIL_BYTES && i.kind !== "agent-state" && i.kind !== "script-run") {
      take.push({ ...i, from: i.bytes - left });
      left = 0;
    } else trimmed.push({ path: i.path, reason: `size cap: ${mb(i.bytes)} did not fit (oldest items go first)` });
  }
  return { take, trimmed };
}

/** A planned file, checked once more just before it is read: its encoding and the byte range that goes in. */
interface Ready {
  item: SourceItem & { from: number };
  encoding: TextEncodingName;
  start: number;
  end: number;
  notes: string[];
}

async function prepare(t: SourceItem & { from: number }, skipped: Skipped[]): Promise<Ready | null> {
  const enc = await textEncodingOf(t.file);
  if ("error" in enc) {
    skipped.push({ path: t.path, reason: enc.error });
    return null;
  }
  const notes: string[] = [];
  let end = t.bytes;
  // A log still being written is taken up to its size when listed, so the hash matches what went in.
  const now = await stat(t.file).catch(() => null);
  if (now === null) {
    skipped.push({ path: t.path, reason: "it disappeared while the bundle was made" });
    return null;
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
  if (enc.encoding === "utf16le") notes.push("converted from UTF-16 to UTF-8");
  if (t.connectionLinesOnly) notes.push("connection lines only: notification payloads (teammates' names, inventories) left out");
  return { item: t, encoding: enc.encoding, start, end, notes };
}

/** Logs in which the game (or the agent) names the game's servers: the first pass reads these. */
const NAMES_SERVERS = new Set<SourceItem["kind"]>(["game-log", "agent-log", "launcher-log"]);

/** Builds the bundle (or, with `preview`, only lists what would go in and every redaction). Never throws for bad files. */
export async function createBundle(o: BundleOptions): Promise<BundleResult> {
  const { items: sources, skipped } = await listSources(o);
  const generatedBytes = o.generated.reduce((a, g) => a + Buffer.byteLength(g.text), 0);
  const { take, trimmed } = planItems(sources, Math.max(0, o.capBytes - generatedBytes));
  const ready: Ready[] = [];
  for (const t of take) {
    const r = await prepare(t, skipped);
    if (r !== null) ready.push(r);
  }
  const planned = [...o.generated.map((g) => ({ path: g.path, bytes: Buffer.byteLength(g.text) })), ...ready.map((r) => ({ path: r.item.path, bytes: r.end - r.start }))];

  // The first pass: BSG's servers as the game's connection lines name them, kept everywhere.
  const learned = o.redaction.enabled ? await scanGameServers(ready.filter((r) => NAMES_SERVERS.has(r.item.kind)).map((r) => ({ file: r.item.file, start: r.start, end: r.end, encoding: r.encoding }))) : [];
  const redaction: BundleRedactorOptions = { ...o.redaction, keepAddresses: [...new Set([...o.redaction.keepAddresses, ...learned])] };
  const pool = createRedactionPool(redaction, planned.reduce((a, p) => a + p.bytes, 0), o.pool);

  const preview: PreviewSink | null = o.preview ? { lines: [], total: 0 } : null;
  const manifestItems: ManifestItem[] = [];
  const stamp = localStamp(o.now);
  const zip = o.preview ? null : new yazl.ZipFile();
  const partial = o.out === null ? null : partialPath(o.out);
  let written: Promise<void> = Promise.resolve();
  let ws: ReturnType<typeof createWriteStream> | null = null;
  if (zip && partial) {
    ws = createWriteStream(partial);
    const file = ws;
    written = new Promise((resolve, reject) => {
      file.on("close", () => resolve());
      file.on("error", reject);
      zip.outputStream.on("error", reject);
      zip.on("error", reject);
    });
    // A failed write must not leave an unhandled rejection while the items are still being added.
    written.catch(() => undefined);
    zip.outputStream.pipe(file);
  }
  // A zip that cannot be written (its folder missing, the disk full) stops the output, and with it every item's
  // stream: each item waits for its own end or for this, whichever comes first, so the failure ends the bundle
  // instead of leaving it waiting forever.
  const writeFailed = new Promise<never>((_, reject) => void written.catch(reject));
  writeFailed.catch(() => undefined);
  const mtime = new Date(o.now);

  const add = async (path: string, source: ManifestItem["source"], s: Streamed, file?: Ready): Promise<void> => {
    if (zip) zip.addReadStream(s.stream, path, { mtime, compressionLevel: COMPRESSION_LEVEL });
    else s.stream.resume(); // preview: run the pipeline, keep nothing
    const r = await Promise.race([s.done, writeFailed]);
    // A log the game or the agent kept writing: what went in ends where the file ended when it was listed.
    if (file !== undefined && !r.notes.some((n) => n.startsWith("grew"))) {
      const size = (await stat(file.item.file).catch(() => null))?.size ?? 0;
      if (size > file.end) r.notes.push(`grew while bundled: the first ${file.end.toLocaleString("en-US")} bytes are included`);
    }
    manifestItems.push({ path, bytes: r.bytes, sha256: r.sha256, source, redactions: r.redactions, notes: r.notes });
  };

  let counts: Partial<Record<RuleId, number>>;
  try {
    for (const g of o.generated) await add(g.path, "generated", redactedStream(g.path, textChunks(g.text), pool, { filter: "all", preview, notes: [] }));
    for (const r of ready) {
      const filter = r.item.connectionLinesOnly ? "connection-lines" : "all";
      await add(r.item.path, r.item.kind, redactedStream(r.item.path, fileChunks(r.item.file, r.start, r.end, r.encoding), pool, { filter, preview, notes: r.notes }), r);
    }
    counts = await pool.finish();
  } catch (e) {
    pool.close();
    zip?.outputStream.unpipe();
    if (ws !== null) {
      const closing = ws;
      // A stream that failed on its own (a folder that does not exist) has closed already and says so only once.
      if (!closing.closed) await new Promise<void>((resolve) => closing.destroy().once("close", () => resolve()));
    }
    if (partial) await unlink(partial).catch(() => undefined);
    throw e;
  }

  const manifest: Manifest = {
    schema: 1,
    agent: { name: "tarkov-connection-agent", version: o.version },
    created: { utc: new Date(o.now).toISOString(), local: stamp.local, offset: stamp.offset },
    os: { platform: platform(), release: release(), arch: arch() },
    options: { days: o.days, capBytes: o.capBytes, redact: redaction.enabled, gameLogs: o.gameLogsDir !== null },
    redaction: {
      enabled: redaction.enabled,
      engine: redaction.enabled ? ENGINE_NAME : "off (--no-redact): nothing was removed",
      counts,
      rules: redaction.enabled ? ruleLegend(redaction) : [],
      keptAddresses: redaction.enabled ? [...redaction.keepAddresses].sort() : [],
    },
    items: manifestItems,
    trimmed,
    skipped,
  };
  let bytes = 0;
  if (zip && partial && o.out) {
    zip.addBuffer(Buffer.from(JSON.stringify(manifest, null, 2) + "\n", "utf8"), "manifest.json", { mtime, compressionLevel: COMPRESSION_LEVEL });
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
  return { path: o.out, bytes, items: manifestItems, redactions: counts, trimmed, skipped, preview: preview?.lines ?? [], previewTotal: preview?.total ?? 0, planned, manifest };
}
