/**
 * Runs a bundle job (./bundle-job.ts) in a worker thread of its own with a small young generation. A bundle reads
 * hundreds of megabytes as short-lived strings; on the calling thread V8 grows its young generation to the default
 * maximum for that burst and keeps it, so the long-running tray agent would stay tens of megabytes bigger after one
 * click, and a bundle's peak stayed above the 150 MB goal (bench/README.md, issue 9). In a thread, the garbage dies
 * in a few megabytes, and everything the bundle touched is given back when the thread ends.
 *
 * The job goes in as plain data; the late part (the current diagnosis, the network snapshot) follows as a message
 * when the caller has it. A failure comes back as an Error with the original message (and code, e.g. ENOSPC), as
 * if the job had run here; a thread that dies (out of memory, killed) is an Error too, never a crash of the agent.
 */
import { Worker } from "node:worker_threads";
import type { BundleResult } from "./bundle.js";
import { compiledSibling } from "./compiled-module.js";
import type { BundleJob, BundleLate } from "./bundle-job.js";

/** Messages between the host and the bundle thread. */
export type ToBundleThread = { type: "late"; late: BundleLate } | { type: "late-failed"; message: string };
export type FromBundleThread = { type: "done"; result: BundleResult } | { type: "failed"; message: string; code: string | null };

/**
 * The bundle thread's heap. Young generation 3 MB (1 MB semi-spaces; the default grows to 48 MB on 64-bit): the
 * bundle's strings and buffers die in it. Old generation 64 MB: what a bundle keeps alive is small by design (logs
 * and history are streamed; the report over a week of history peaks at ~18 MB of old space), and V8 lets the old
 * space fill with promoted garbage up to about half its limit before it collects, so the default let it reach 40 MB.
 * Measured on the bench's 523 MB of logs (2 cores, loaded): peak RSS 176 MB on the calling thread → ~134 MB here.
 * Should a bundle ever need more, the thread runs out of memory and the bundle is made on the calling thread instead.
 */
export const BUNDLE_THREAD_LIMITS = { maxYoungGenerationSizeMb: 3, maxOldGenerationSizeMb: 64 };

/** The compiled bundle thread next to this module, or null when running from the TypeScript sources. */
export function defaultBundleThreadUrl(): URL | null {
  return compiledSibling("./bundle-worker.js", import.meta.url);
}

/** A late part that can cross to the thread: the diagnosis is data, but anything odd in it must not fail the bundle. */
function cloneable(late: BundleLate): BundleLate {
  try {
    structuredClone(late);
    return late;
  } catch {
    return JSON.parse(JSON.stringify(late)) as BundleLate;
  }
}

/** Runs `job` in a new worker thread from `url`; resolves with the job's result or rejects with its error. */
export function runBundleThread(url: URL, job: BundleJob, late: Promise<BundleLate>): Promise<BundleResult> {
  return new Promise<BundleResult>((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
    };
    let worker: Worker;
    try {
      worker = new Worker(url, { workerData: { job }, resourceLimits: BUNDLE_THREAD_LIMITS });
    } catch (e) {
      reject(e as Error);
      return;
    }
    late.then(
      (l) => {
        try {
          worker.postMessage({ type: "late", late: cloneable(l) } satisfies ToBundleThread);
        } catch {
          // The thread has ended already; its own outcome is what counts.
        }
      },
      (e: unknown) => worker.postMessage({ type: "late-failed", message: (e as Error)?.message ?? String(e) } satisfies ToBundleThread),
    );
    worker.on("message", (m: FromBundleThread) => {
      if (m.type === "done") settle(() => resolve(m.result));
      else
        settle(() => {
          const e = new Error(m.message) as NodeJS.ErrnoException;
          if (m.code !== null) e.code = m.code;
          reject(e);
        });
      // Its answer is all it had to give (a job that failed early may still be waiting for the late part).
      void worker.terminate();
    });
    worker.on("error", (e: NodeJS.ErrnoException) =>
      settle(() => {
        const err = new Error(`the bundle thread failed: ${e.message}`) as NodeJS.ErrnoException;
        // ERR_WORKER_OUT_OF_MEMORY tells the caller to try again where the heap is not bounded.
        if (typeof e.code === "string") err.code = e.code;
        reject(err);
      }),
    );
    worker.on("exit", (code) => settle(() => reject(new Error(`the bundle thread stopped before it finished (exit code ${code})`))));
  });
}
