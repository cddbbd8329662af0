/**
 * TCP phase: connect to the address the DNS phase found (never re-resolving, so a simulated world stays in charge)
 * and hand the connected socket to the next phase.
 */
import { connect, type Socket } from "node:net";
import type { FailureCode } from "../core/types.js";
import type { Outcome } from "../core/outcome.js";
import { fail, type PhaseProbe } from "./context.js";
import { armLimits, describeError, errorCode, ignoreErrors, once, type Limits } from "./limits.js";

/** Node's connect error codes → our failure codes. */
export function tcpFailureCode(code: string | undefined): FailureCode {
  switch (code) {
    case "ECONNREFUSED":
      return "TCP_REFUSED";
    case "ECONNRESET":
    case "EPIPE":
      return "TCP_RESET";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "EADDRNOTAVAIL":
    case "EACCES":
      return "NET_UNREACHABLE";
    case "ETIMEDOUT":
      return "TCP_TIMEOUT";
    default:
      return "TCP_RESET";
  }
}

/** Connects to an IP address; the socket comes back connected, with a permanent error sink attached. */
export async function connectTcp(address: string, port: number, limits: Limits): Promise<Outcome<Socket, FailureCode>> {
  const what = `TCP ${address.includes(":") ? `[${address}]` : address}:${port}`;
  const result = once<Outcome<Socket, FailureCode>>();
  const socket = connect({ host: address, port, autoSelectFamily: false });
  ignoreErrors(socket);
  const disarm = armLimits(limits, what, (message) => {
    socket.destroy();
    result.settle({ ok: false, code: "TCP_TIMEOUT", message });
  });
  socket.once("connect", () => {
    disarm();
    result.settle({ ok: true, value: socket });
  });
  socket.once("error", (e) => {
    disarm();
    socket.destroy();
    result.settle({ ok: false, code: tcpFailureCode(errorCode(e)), message: `${what}: ${describeError(e)}` });
  });
  return result.promise;
}

/** Registry entry: connect to the resolved address and the URL's port. */
export const tcpPhase: PhaseProbe = {
  phase: "tcp",
  appliesTo: () => true,
  async run(state, ctx) {
    if (state.address === null) return fail("NET_UNREACHABLE", "no address to connect to");
    const r = await connectTcp(state.address, state.target.port, { timeoutMs: ctx.timeoutMs, signal: ctx.signal });
    if (!r.ok) return fail(r.code, r.message);
    state.socket = r.value;
    return { ok: true };
  },
};
