/**
 * A redaction worker thread (./redaction-pool.ts): its own engine, built from the bundle's plain options, redacting
 * the chunks it is sent and answering with UTF-8 bytes and the engine's counts.
 */
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import { createRedactor, type RedactorOptions } from "../core/redact/index.js";
import { redactChunk } from "./redaction.js";
import type { FromWorker, ToWorker } from "./redaction-pool.js";

const decoder = new TextDecoder("utf-8");
const encoder = new TextEncoder();

/** Answers the pool's messages on `port` with an engine built from the bundle's options. */
function serve(port: MessagePort, options: RedactorOptions): void {
  const redactor = createRedactor(options);
  port.on("message", (m: ToWorker) => {
    if (m.type === "counts") {
      port.postMessage({ type: "counts", counts: redactor.counts() } satisfies FromWorker);
      return;
    }
    try {
      const r = redactChunk(redactor, decoder.decode(m.bytes), { filter: m.filter, details: m.details });
      const bytes = encoder.encode(r.text);
      // Copied, not transferred: for 64 kB pieces a copy measured ~3× cheaper than detaching the encoder's buffer.
      port.postMessage({ type: "chunk", id: m.id, bytes, lines: r.lines, hits: r.hits, previews: r.previews } satisfies FromWorker);
    } catch (e) {
      port.postMessage({ type: "error", id: m.id, message: (e as Error).message } satisfies FromWorker);
    }
  });
}

// Imported outside a worker thread (the installer's check loads every module of the payload): it does nothing.
if (parentPort !== null) serve(parentPort, (workerData as { options: RedactorOptions }).options);
