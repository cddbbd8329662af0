/**
 * Cheap liveness signal between full rounds: a bare TCP connect to one BSG host, closed as soon as it is accepted.
 *
 * Why connect-and-close rather than held-open connections:
 * - It sees both failure shapes. A refused or reset connect answers at once (hard drop); a blackhole shows as a
 *   connect that does not complete, which the monitor notices after a short "suspect" delay instead of waiting
 *   for the timeout. An idle held-open socket sees a blackhole only through TCP keep-alive, whose probe interval
 *   and count Node cannot set portably (Windows defaults: first probe after 2 h), so it would stay silent.
 * - Its load is fixed and easy to state: the monitor makes one connect every `monitor.livenessIntervalMs` (default
 *   2 s) round-robin over the BSG targets, i.e. one SYN / SYN-ACK / ACK + FIN exchange every 2 s in total, and with
 *   the five default BSG hosts one per host every 10 s. No TLS handshake and no request: the server spends a
 *   `accept()` and a `close()`. Held-open sockets would instead pin one connection per host per player on BSG's
 *   load balancers and churn through reconnects whenever their idle timeout or a NAT mapping expires.
 * - It connects to the address the configured resolver returned in the last full round (`target.address`), so
 *   it tests the same path the round did and needs no DNS of its own.
 */
import { connect, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import type { FailureCode } from "../core/types.js";

/** One BSG endpoint to check: the resolved address from the last round, never a host name. */
export interface LivenessTarget {
  targetId: string;
  address: string;
  port: number;
}

export type LivenessResult =
  | { ok: true; targetId: string; ms: number }
  /** `PROBE_BROKEN` means the check itself failed (a bug or a local error): missing evidence, not a failure. */
  | { ok: false; targetId: string; ms: number; code: FailureCode; message: string };

/** What the monitor needs: one connect attempt, resolved (never rejected) within `timeoutMs`. */
export interface LivenessProbe {
  check(target: LivenessTarget, timeoutMs: number): Promise<LivenessResult>;
}

const CODE_BY_ERRNO: Record<string, FailureCode> = {
  ECONNREFUSED: "TCP_REFUSED",
  ECONNRESET: "TCP_RESET",
  ECONNABORTED: "TCP_RESET",
  EPIPE: "TCP_RESET",
  ETIMEDOUT: "TCP_TIMEOUT",
  EHOSTUNREACH: "NET_UNREACHABLE",
  ENETUNREACH: "NET_UNREACHABLE",
  ENETDOWN: "NET_UNREACHABLE",
  EHOSTDOWN: "NET_UNREACHABLE",
  EADDRNOTAVAIL: "NET_UNREACHABLE",
};

/** Maps a socket error to a failure code; anything unexpected is the probe's own problem. */
export function livenessCode(err: NodeJS.ErrnoException): FailureCode {
  return CODE_BY_ERRNO[err.code ?? ""] ?? "PROBE_BROKEN";
}

/** The real TCP liveness probe. `connectFn` is injectable for tests; production uses `net.connect`. */
export function createTcpLiveness(deps: { connectFn?: (opts: { host: string; port: number }) => Socket; now?: () => number } = {}): LivenessProbe {
  const connectFn = deps.connectFn ?? ((o) => connect(o));
  const now = deps.now ?? (() => performance.now());
  return {
    check(target, timeoutMs) {
      return new Promise<LivenessResult>((resolve) => {
        const started = now();
        let settled = false;
        let socket: Socket | null = null;
        const done = (r: LivenessResult) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          // destroy() after an accepted connect closes the descriptor: the kernel sends a FIN, no RST.
          socket?.destroy();
          resolve(r);
        };
        const ms = () => Math.round(now() - started);
        const timer = setTimeout(
          () => done({ ok: false, targetId: target.targetId, ms: ms(), code: "TCP_TIMEOUT", message: `no answer to connect within ${timeoutMs} ms` }),
          timeoutMs,
        );
        try {
          socket = connectFn({ host: target.address, port: target.port });
          socket.once("connect", () => done({ ok: true, targetId: target.targetId, ms: ms() }));
          socket.once("error", (e: NodeJS.ErrnoException) =>
            done({ ok: false, targetId: target.targetId, ms: ms(), code: livenessCode(e), message: `${e.code ?? "error"}: ${e.message}` }),
          );
        } catch (e) {
          done({ ok: false, targetId: target.targetId, ms: ms(), code: "PROBE_BROKEN", message: (e as Error).message });
        }
      });
    },
  };
}
