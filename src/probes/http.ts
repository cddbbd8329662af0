/**
 * HTTP phase: one HTTP/1.1 GET over the socket the earlier phases opened (TLS or plain), recording the status and
 * the time to first byte. Only a few KB of body are read: the point is reachability, not content.
 */
import { request } from "node:http";
import type { Duplex } from "node:stream";
import type { Outcome } from "../core/outcome.js";
import type { FailureCode } from "../core/types.js";
import { fail, type PhaseProbe } from "./context.js";
import { armLimits, describeError, errorCode, once, type Limits } from "./limits.js";

export interface HttpAnswer {
  status: number;
  /** From sending the request to the response headers. */
  ttfbMs: number;
  contentType: string | null;
  /** At most `maxBodyBytes` of the body. */
  body: Buffer;
  /** False when the body was cut at `maxBodyBytes` or by the time limit. */
  bodyComplete: boolean;
}

export interface HttpRequestSpec {
  host: string;
  port: number;
  path: string;
  defaultPort: number;
  userAgent: string;
  maxBodyBytes?: number;
}

/** `Host` header value: the port only when it is not the scheme's default. */
export function hostHeader(host: string, port: number, defaultPort: number): string {
  const h = host.includes(":") ? `[${host}]` : host;
  return port === defaultPort ? h : `${h}:${port}`;
}

/** Status code → failure code, or null when the server answered usefully (1xx–3xx). */
export function httpStatusFailure(status: number): FailureCode | null {
  if (status >= 500) return "HTTP_5XX";
  if (status >= 400) return "HTTP_4XX";
  return null;
}

/** GETs `spec.path` over an already connected socket; the socket is consumed (destroyed at the end). */
export async function httpGet(socket: Duplex, spec: HttpRequestSpec, limits: Limits): Promise<Outcome<HttpAnswer, FailureCode>> {
  const what = `HTTP GET ${spec.path}`;
  const maxBody = spec.maxBodyBytes ?? 4096;
  const result = once<Outcome<HttpAnswer, FailureCode>>();
  let answer: HttpAnswer | null = null;
  const chunks: Buffer[] = [];
  let size = 0;
  const finish = (complete: boolean): void => {
    if (answer === null) return;
    answer.body = Buffer.concat(chunks).subarray(0, maxBody);
    answer.bodyComplete = complete;
    result.settle({ ok: true, value: answer });
  };
  const req = request({
    method: "GET",
    path: spec.path,
    // No `agent` at all: with `agent: false` Node builds a fresh Agent that ignores `createConnection`.
    setHost: false,
    headers: { Host: hostHeader(spec.host, spec.port, spec.defaultPort), "User-Agent": spec.userAgent, Accept: "*/*", Connection: "close" },
    createConnection: () => socket as never,
  });
  const disarm = armLimits(limits, what, (message) => {
    if (answer !== null) finish(false);
    else result.settle({ ok: false, code: "HTTP_TIMEOUT", message });
    req.destroy();
    socket.destroy();
  });
  const started = performance.now();
  req.on("error", (e) => {
    disarm();
    socket.destroy();
    if (answer !== null) {
      finish(false);
      return;
    }
    const code = errorCode(e);
    const why = code === "ECONNRESET" ? "connection closed before a status line" : describeError(e);
    result.settle({ ok: false, code: "HTTP_PROTOCOL", message: `${what}: ${why}` });
  });
  req.on("response", (res) => {
    const ct = res.headers["content-type"];
    answer = { status: res.statusCode ?? 0, ttfbMs: Math.round(performance.now() - started), contentType: typeof ct === "string" ? ct : null, body: Buffer.alloc(0), bodyComplete: false };
    res.on("error", () => undefined);
    res.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= maxBody) {
        disarm();
        finish(false);
        req.destroy();
        socket.destroy();
      }
    });
    res.on("end", () => {
      disarm();
      finish(true);
      socket.destroy();
    });
    res.on("close", () => {
      // 'close' can overtake 'end' when the server ends the body by closing; `complete` tells the two apart.
      disarm();
      finish(res.complete && size <= maxBody);
    });
  });
  req.end();
  return result.promise;
}

/** Registry entry: GET the URL's path over the TLS socket and judge the status. */
export const httpPhase: PhaseProbe = {
  phase: "http",
  appliesTo: (t) => t.scheme === "https" || t.scheme === "http",
  async run(state, ctx) {
    const socket = state.tlsSocket ?? (state.target.scheme === "http" ? state.socket : null);
    if (socket === null) return fail("HTTP_PROTOCOL", "no connected socket");
    const t = state.target;
    const r = await httpGet(socket, { host: t.host, port: t.port, path: t.path, defaultPort: t.scheme === "http" ? 80 : 443, userAgent: ctx.userAgent }, { timeoutMs: ctx.timeoutMs, signal: ctx.signal });
    if (!r.ok) return fail(r.code, r.message);
    state.httpStatus = r.value.status;
    state.ttfbMs = r.value.ttfbMs;
    const code = httpStatusFailure(r.value.status);
    return code === null ? { ok: true } : fail(code, `HTTP GET ${t.path}: status ${r.value.status}`);
  },
};
