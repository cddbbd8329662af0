/**
 * Where a bundle's chunks are redacted: in worker threads when the bundle is big (redaction is the bundle's one
 * CPU-heavy step, ~35 MB per CPU-second on dense game-log lines, so 500 MB needs more than one core to fit in
 * 15 s), or in-process for small bundles and wherever the compiled worker is not available (the tests run the
 * TypeScript sources, which a worker thread cannot load). Both run the same `redactChunk`, so both give the same bytes.
 *
 * Chunks go in and come out as UTF-8 bytes (copied: cheaper than transferring at this size); the caller keeps them in
 * order. Each worker has
 * its own engine built from the same plain options and bounded heap limits, so memory stays flat.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { RuleId } from "../core/redact/index.js";
import { compiledSibling } from "./compiled-module.js";
import { addCounts, createBundleRedactor, engineOptions, redactChunk, type BundleRedactorOptions, type LineFilter, type LinePreview } from "./redaction.js";

export interface ChunkJob {
  /** Whole lines of UTF-8 text. */
  bytes: Uint8Array;
  filter: LineFilter;
  details: boolean;
}

export interface ChunkOut {
  bytes: Uint8Array;
  lines: number;
  hits: Partial<Record<RuleId, number>>;
  previews: LinePreview[];
}

export interface RedactionPool {
  /** Worker threads in use (0: in-process). */
  readonly workers: number;
  run(job: ChunkJob): Promise<ChunkOut>;
  /** The engines' own totals per rule over every chunk, summed over the workers; the pool is closed afterwards. */
  finish(): Promise<Partial<Record<RuleId, number>>>;
  /** Stops the workers (after an error). */
  close(): void;
}

/** Messages between the pool and a worker. */
export type ToWorker = { type: "chunk"; id: number; bytes: Uint8Array; filter: LineFilter; details: boolean } | { type: "counts" };
export type FromWorker =
  | ({ type: "chunk"; id: number } & ChunkOut)
  | { type: "error"; id: number; message: string }
  | { type: "counts"; counts: Partial<Record<RuleId, number>> };

const decoder = new TextDecoder("utf-8");
const encoder = new TextEncoder();

/** Redacts in this thread. */
export function inProcessPool(o: BundleRedactorOptions): RedactionPool {
  const redactor = createBundleRedactor(o);
  return {
    workers: 0,
    run: async (job) => {
      const r = redactChunk(redactor, decoder.decode(job.bytes), { filter: job.filter, details: job.details });
      return { bytes: encoder.encode(r.text), lines: r.lines, hits: r.hits, previews: r.previews };
    },
    finish: async () => redactor.counts(),
    close: () => undefined,
  };
}

/** The compiled worker next to this module, or null when running from the TypeScript sources. */
export function defaultWorkerUrl(): URL | null {
  return compiledSibling("./redaction-worker.js", import.meta.url);
}

/**
 * Heap limits per worker: a chunk is 64 kB, so this is plenty (a worker's heap peaks at ~9 MB on the bench's logs);
 * a young generation of 3 MB instead of 8 took ~8 MB per worker off the bundle's peak RSS at the same speed.
 */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 3 };

/**
 * Chunks are redacted ahead of the one being written, so a chunk's promise can fail before anyone awaits it: it is
 * marked handled here, and the failure still reaches whoever awaits it (the bundle then fails as a whole).
 */
function handled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

interface Slot {
  worker: Worker;
  busy: number;
}

/** Redacts in `count` worker threads. */
export function workerPool(o: BundleRedactorOptions, count: number, url: URL): RedactionPool {
  const pending = new Map<number, { resolve: (v: ChunkOut) => void; reject: (e: Error) => void; slot: Slot }>();
  const countWaiters: ((c: Partial<Record<RuleId, number>>) => void)[] = [];
  let failure: Error | null = null;
  let nextId = 0;
  const fail = (e: Error) => {
    failure ??= e;
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
  };
  const slots: Slot[] = Array.from({ length: count }, () => {
    const worker = new Worker(url, { workerData: { options: engineOptions(o) }, resourceLimits: WORKER_LIMITS });
    const slot: Slot = { worker, busy: 0 };
    worker.on("message", (m: FromWorker) => {
      if (m.type === "counts") {
        countWaiters.shift()?.(m.counts);
        return;
      }
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      p.slot.busy--;
      if (m.type === "error") p.reject(new Error(`redaction failed: ${m.message}`));
      else p.resolve({ bytes: m.bytes, lines: m.lines, hits: m.hits, previews: m.previews });
    });
    worker.on("error", (e) => fail(new Error(`a redaction worker failed: ${e.message}`)));
    worker.on("exit", (code) => {
      if (pending.size > 0 || code !== 0) fail(new Error(`a redaction worker stopped (exit code ${code})`));
    });
    return slot;
  });
  const close = () => {
    for (const s of slots) void s.worker.terminate();
  };
  return {
    workers: count,
    run(job) {
      if (failure) return handled(Promise.reject(failure));
      const slot = slots.reduce((a, b) => (b.busy < a.busy ? b : a));
      const id = nextId++;
      slot.busy++;
      // Posting a view clones its whole buffer: a view into a bigger one (a generated text's) goes as a copy of its own.
      const bytes = job.bytes.byteOffset === 0 && job.bytes.byteLength === job.bytes.buffer.byteLength ? job.bytes : new Uint8Array(job.bytes);
      return handled(
        new Promise<ChunkOut>((resolve, reject) => {
          pending.set(id, { resolve, reject, slot });
          const msg: ToWorker = { type: "chunk", id, bytes, filter: job.filter, details: job.details };
          // Copied, not transferred: for 64 kB pieces a copy measured ~3× cheaper than detaching the buffer.
          slot.worker.postMessage(msg);
        }),
      );
    },
    async finish() {
      if (failure) {
        close();
        throw failure;
      }
      const totals: Partial<Record<RuleId, number>> = {};
      for (const s of slots) {
        const counts = await new Promise<Partial<Record<RuleId, number>>>((resolve) => {
          countWaiters.push(resolve);
          s.worker.postMessage({ type: "counts" } satisfies ToWorker);
        });
        addCounts(totals, counts);
      }
      for (const s of slots) s.worker.removeAllListeners("exit");
      close();
      return totals;
    },
    close,
  };
}

export interface PoolChoice {
  /** Worker threads: "auto" decides from the size; 0 forces in-process. */
  workers?: number | "auto";
  /** The compiled worker (tests point it at dist/). */
  workerUrl?: URL | null;
}

/** Below this much text, starting workers costs more than it saves. */
const WORKERS_FROM_BYTES = 8 * 1024 * 1024;

/** In-process or workers, by the bundle's size and the cores there are. */
export function createRedactionPool(o: BundleRedactorOptions, plannedBytes: number, choice: PoolChoice = {}): RedactionPool {
  if (!o.enabled) return inProcessPool(o);
  const url = choice.workerUrl === undefined ? defaultWorkerUrl() : choice.workerUrl;
  const wanted = choice.workers ?? "auto";
  const count = wanted === "auto" ? (plannedBytes < WORKERS_FROM_BYTES ? 0 : Math.min(4, Math.max(1, availableParallelism()))) : wanted;
  if (count === 0 || url === null) return inProcessPool(o);
  try {
    return workerPool(o, count, url);
  } catch {
    // Workers cannot start here (an unusual runtime): the same work in this thread.
    return inProcessPool(o);
  }
}
