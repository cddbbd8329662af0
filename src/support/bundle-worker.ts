/**
 * The bundle thread (./bundle-thread.ts): runs the job it was started with and answers with the result or the error.
 */
import { parentPort, workerData } from "node:worker_threads";
import { runBundleJob, type BundleJob, type BundleLate } from "./bundle-job.js";
import type { FromBundleThread, ToBundleThread } from "./bundle-thread.js";

const data = workerData as { job?: BundleJob } | null;
// Imported outside a bundle thread (the installer's check loads every module of the payload): it does nothing.
if (parentPort !== null && data?.job !== undefined) {
  const port = parentPort;
  const job = data.job;
  const late = new Promise<BundleLate>((resolve, reject) => {
    port.once("message", (m: ToBundleThread) => (m.type === "late" ? resolve(m.late) : reject(new Error(m.message))));
  });
  // Awaited by the job only after the game's logs are read; a failure before that must not count as unhandled.
  late.catch(() => undefined);
  runBundleJob(job, late).then(
    (result) => port.postMessage({ type: "done", result } satisfies FromBundleThread),
    (e: unknown) => {
      const err = e as NodeJS.ErrnoException;
      port.postMessage({ type: "failed", message: err?.message ?? String(e), code: typeof err?.code === "string" ? err.code : null } satisfies FromBundleThread);
    },
  );
}
