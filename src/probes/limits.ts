/**
 * Time limits shared by every probe: each phase races its own timer and the round's abort signal, and whichever
 * fires first decides the message. Expired limits are values (a timeout code), never throws.
 */
import type { FailureCode } from "../core/types.js";

/** What a single I/O step may spend: its own budget and the round's deadline signal. */
export interface Limits {
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Result of one phase: ok, or an expected failure with a code from the closed set. */
export type PhaseOutcome = { ok: true } | { ok: false; code: FailureCode; message: string };

/** Reason the round uses when its deadline aborts everything still running. */
export const DEADLINE_MESSAGE = "cut short by the round deadline";

/** Text for an aborted step: the abort reason's message, or the round-deadline wording. */
export function abortMessage(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error && reason.message !== "" && reason.name !== "AbortError") return reason.message;
  if (typeof reason === "string" && reason !== "") return reason;
  return DEADLINE_MESSAGE;
}

/**
 * Arms the phase timer and the abort listener; `expire` runs at most once with the failure message. Returns the
 * disarm function, to call as soon as the step settles by itself.
 */
export function armLimits(limits: Limits, what: string, expire: (message: string) => void): () => void {
  let done = false;
  const fire = (message: string): void => {
    if (done) return;
    done = true;
    disarm();
    expire(message);
  };
  const timer = setTimeout(() => fire(`${what}: no answer within ${limits.timeoutMs} ms`), Math.max(1, limits.timeoutMs));
  const onAbort = (): void => fire(`${what}: ${abortMessage(limits.signal)}`);
  const disarm = (): void => {
    done = true;
    clearTimeout(timer);
    limits.signal?.removeEventListener("abort", onAbort);
  };
  if (limits.signal?.aborted) {
    queueMicrotask(onAbort);
  } else {
    limits.signal?.addEventListener("abort", onAbort, { once: true });
  }
  return disarm;
}

/** A promise with its resolver exposed, settling once; later calls are ignored. */
export function once<T>(): { promise: Promise<T>; settle: (value: T) => boolean } {
  let resolve!: (value: T) => void;
  let settled = false;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return {
    promise,
    settle(value: T): boolean {
      if (settled) return false;
      settled = true;
      resolve(value);
      return true;
    },
  };
}

/** Milliseconds since `start` (from `performance.now()`), rounded to a whole number. */
export const elapsed = (start: number): number => Math.round(performance.now() - start);

/** Node's error code (`ECONNREFUSED`, …) or undefined. */
export const errorCode = (e: unknown): string | undefined =>
  e !== null && typeof e === "object" && "code" in e && typeof (e as { code: unknown }).code === "string" ? (e as { code: string }).code : undefined;

/** A one-line description of an error for a result message. */
export const describeError = (e: unknown): string => {
  if (e instanceof Error) {
    const code = errorCode(e);
    return code !== undefined && !e.message.includes(code) ? `${code}: ${e.message}` : e.message;
  }
  return String(e);
};

/** Swallows late 'error' events so that no socket can ever crash the process. */
export const ignoreErrors = (emitter: { on(event: "error", listener: (e: Error) => void): unknown }): void => {
  emitter.on("error", () => undefined);
};
