/**
 * How one bundle item flows: its bytes are cut into chunks of whole lines, each chunk is redacted (in order, several
 * at a time when workers redact), and the redacted bytes are hashed and counted on their way into the zip. Memory
 * is bounded by the chunks in flight, however large the file. Also the first pass that finds the game's servers.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { gameServerAddresses, type RuleId } from "../core/redact/index.js";
import { addCounts, type LineFilter, type LinePreview } from "./redaction.js";
import type { ChunkOut, RedactionPool } from "./redaction-pool.js";

/** One chunk read from disk (whole lines within it go to redaction): below V8's large-object size, so its strings die young (512 kB chunks cost ~70 % more CPU in garbage collection, measured on the bench's logs). */
export const CHUNK_BYTES = 64 * 1024;
const NL = 0x0a;

export type TextEncodingName = "utf8" | "utf16le";

/** Chunks of whole UTF-8 lines from a file's bytes `start`…`end` (UTF-16 files are converted to UTF-8). */
export async function* fileChunks(file: string, start: number, end: number, encoding: TextEncodingName): AsyncGenerator<Uint8Array> {
  if (end <= start) return;
  const stream = createReadStream(file, { start, end: end - 1, highWaterMark: CHUNK_BYTES });
  if (encoding === "utf16le") {
    const decoder = new StringDecoder("utf16le");
    let rest = "";
    for await (const raw of stream) {
      const text = rest + decoder.write(raw as Buffer);
      const nl = text.lastIndexOf("\n");
      if (nl === -1) rest = text;
      else {
        yield Buffer.from(text.slice(0, nl + 1), "utf8");
        rest = text.slice(nl + 1);
      }
    }
    rest += decoder.end();
    if (rest !== "") yield Buffer.from(rest, "utf8");
    return;
  }
  // Each chunk is copied once, into a buffer of its own (it is transferred to a worker as it is).
  let rest: Uint8Array[] = [];
  let restBytes = 0;
  const join = (parts: Uint8Array[], bytes: number): Uint8Array => {
    const out = new Uint8Array(bytes);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };
  for await (const raw of stream) {
    const buf = raw as Buffer;
    const nl = buf.lastIndexOf(NL);
    // A newline never occurs inside a multi-byte UTF-8 character, so a cut after one is always between characters.
    if (nl === -1) {
      rest.push(buf);
      restBytes += buf.length;
      continue;
    }
    yield join([...rest, buf.subarray(0, nl + 1)], restBytes + nl + 1);
    rest = nl + 1 < buf.length ? [buf.subarray(nl + 1)] : [];
    restBytes = buf.length - nl - 1;
  }
  if (restBytes > 0) yield join(rest, restBytes);
}

/** Chunks of whole lines of a generated text. */
export async function* textChunks(text: string): AsyncGenerator<Uint8Array> {
  const buf = Buffer.from(text, "utf8");
  for (let at = 0; at < buf.length; ) {
    let end = Math.min(buf.length, at + CHUNK_BYTES);
    if (end < buf.length) {
      const nl = buf.lastIndexOf(NL, end - 1);
      if (nl >= at) end = nl + 1;
    }
    yield buf.subarray(at, end);
    at = end;
  }
}

/** One redacted line for `--preview`, with its place in the bundle. */
export interface PreviewLine {
  path: string;
  /** Line number in the bundled file, from 1. */
  line: number;
  rules: LinePreview["rules"];
  before: string;
  after: string;
}

/** Preview lines kept for one bundle (the count of all is kept too). */
export const PREVIEW_LINES_CAP = 2_000;

export interface PreviewSink {
  lines: PreviewLine[];
  /** Redacted lines seen, including the ones past the cap. */
  total: number;
}

export interface StreamDone {
  sha256: string;
  bytes: number;
  redactions: Partial<Record<RuleId, number>>;
  notes: string[];
}

export interface Streamed {
  stream: Readable;
  /** Resolves when the stream ended; rejects when redaction failed (never an unredacted entry). */
  done: Promise<StreamDone>;
}

/**
 * Chunks in → redacted bytes out, in order, with up to `depth` chunks being redacted at once. A read error part-way
 * ends the entry cleanly with a note; a redaction error fails it (and with it the bundle).
 */
export function redactedStream(path: string, chunks: AsyncIterable<Uint8Array>, pool: RedactionPool, opts: { filter: LineFilter; preview: PreviewSink | null; notes: string[] }): Streamed {
  const hash = createHash("sha256");
  const redactions: Partial<Record<RuleId, number>> = {};
  let bytes = 0;
  let line = 0;
  let settle!: { resolve: (v: StreamDone) => void; reject: (e: Error) => void };
  const done = new Promise<StreamDone>((resolve, reject) => (settle = { resolve, reject }));
  // The caller awaits `done`; a rejection it has not reached yet must not count as unhandled.
  done.catch(() => undefined);
  const depth = Math.max(2, pool.workers * 2 + 1);
  const take = (out: ChunkOut): Uint8Array => {
    addCounts(redactions, out.hits);
    if (opts.preview !== null) {
      opts.preview.total += out.previews.length;
      for (const p of out.previews) {
        if (opts.preview.lines.length >= PREVIEW_LINES_CAP) break;
        opts.preview.lines.push({ path, line: line + p.line + 1, rules: p.rules, before: p.before, after: p.after });
      }
    }
    line += out.lines;
    hash.update(out.bytes);
    bytes += out.bytes.length;
    return out.bytes;
  };
  async function* gen(): AsyncGenerator<Uint8Array> {
    const source = chunks[Symbol.asyncIterator]();
    const inflight: Promise<ChunkOut>[] = [];
    let ended = false;
    const fill = async () => {
      while (!ended && inflight.length < depth) {
        let next: IteratorResult<Uint8Array>;
        try {
          next = await source.next();
        } catch (e) {
          // A read error part-way (file deleted, disk error): keep what was read, end the entry cleanly, say so.
          opts.notes.push(`read failed part-way (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): the entry ends there`);
          ended = true;
          break;
        }
        if (next.done) ended = true;
        else if (next.value.length > 0) inflight.push(pool.run({ bytes: next.value, filter: opts.filter, details: opts.preview !== null }));
      }
    };
    try {
      await fill();
      while (inflight.length > 0) {
        const out = await inflight.shift()!;
        await fill();
        if (out.bytes.length > 0) yield take(out);
        else take(out);
      }
    } catch (e) {
      for (const p of inflight) p.catch(() => undefined);
      settle.reject(e as Error);
      throw e;
    }
    settle.resolve({ sha256: hash.digest("hex"), bytes, redactions, notes: opts.notes });
  }
  const stream = Readable.from(gen(), { objectMode: false });
  // A failure reaches the caller through `done`; the stream's own error event must not become an uncaught exception.
  stream.on("error", () => undefined);
  return { stream, done };
}

/** The first line start at or after `pos` (so a trimmed log starts on a whole line). */
export async function nextLineStart(file: string, pos: number, end: number): Promise<number> {
  const fh = await open(file, "r");
  try {
    const buf = Buffer.alloc(64 * 1024);
    for (let p = pos; p < end; p += buf.length) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, end - p), p);
      if (bytesRead === 0) break;
      const i = buf.subarray(0, bytesRead).indexOf(NL);
      if (i !== -1) return p + i + 1;
    }
    return end;
  } finally {
    await fh.close();
  }
}

const SERVER_MARKERS = ["Ip:", "(address:", "raid "];

/**
 * The first pass: the addresses the game's own connection lines name as its servers (`Ip: …, Port:` in
 * application/traces, `(address: ip:port)` in network-connection, the agent's "raid server …" sentences), anywhere
 * in `files`, so they are kept wherever they appear. Reads bytes only where a marker is (most chunks have none
 * worth a regex); never throws (an unreadable file adds nothing).
 */
export async function scanGameServers(files: readonly { file: string; start: number; end: number; encoding: TextEncodingName }[], max = 4096): Promise<string[]> {
  const found = new Set<string>();
  for (const f of files) {
    try {
      for await (const chunk of fileChunks(f.file, f.start, f.end, f.encoding)) {
        // latin1 is a byte-for-byte view: the markers and addresses are ASCII (UTF-16 came in converted).
        const text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString("latin1");
        if (!SERVER_MARKERS.some((m) => text.includes(m))) continue;
        for (const ip of gameServerAddresses(text)) found.add(ip);
        if (found.size >= max) return [...found];
      }
    } catch {
      // unreadable now: the main pass will say so
    }
  }
  return [...found];
}
