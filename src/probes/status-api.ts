/**
 * BSG's public status API (eft-facts §2): global status, per-service status and incident messages. Read
 * leniently: the API is flaky and sometimes throttles, so junk of any kind makes the state `unknown` with the
 * reason, never a throw. Fetched through the same resolver and trust store as the targets.
 */
import type { Duplex } from "node:stream";
import type { Outcome } from "../core/outcome.js";
import type { BsgStatusState, StatusApiResult, StatusMessage, StatusService } from "../core/types.js";
import { parseTargetUrl, type ProbeContext } from "./context.js";
import { resolveName } from "./dns.js";
import { httpGet, type HttpAnswer } from "./http.js";
import { describeError, elapsed } from "./limits.js";
import { connectTcp } from "./tcp.js";
import { startTls } from "./tls.js";

const STATES: readonly BsgStatusState[] = ["ok", "updating", "unstable", "down"];
const MAX_BODY = 256 * 1024;

/** GETs a URL through the probe context's resolver and CA; the error is a plain sentence. Never throws. */
export async function fetchUrl(url: string, ctx: ProbeContext, maxBodyBytes = MAX_BODY): Promise<Outcome<HttpAnswer, string>> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new Error(`no complete answer within ${ctx.timeoutMs} ms`)), ctx.timeoutMs);
  const limits = { timeoutMs: ctx.timeoutMs, signal: AbortSignal.any([ctx.signal, timeout.signal]) };
  let socket: { destroy(): void } | null = null;
  const no = (message: string): Outcome<HttpAnswer, string> => ({ ok: false, code: message, message });
  try {
    const t = parseTargetUrl(url);
    const dns = await resolveName(t.host, ctx.systemResolver, limits);
    if (!dns.ok) return no(`${dns.code}: ${dns.message}`);
    const address = dns.value[0];
    if (address === undefined) return no(`DNS ${t.host}: empty answer`);
    const tcp = await connectTcp(address, t.port, limits);
    if (!tcp.ok) return no(`${tcp.code}: ${tcp.message}`);
    socket = tcp.value;
    let stream: Duplex = tcp.value;
    if (t.scheme === "https") {
      const tls = await startTls(tcp.value, t.host, ctx.secureContext, limits);
      if (!tls.ok) return no(`${tls.code}: ${tls.message}`);
      socket = tls.value.socket;
      stream = tls.value.socket;
    }
    const http = await httpGet(stream, { host: t.host, port: t.port, path: t.path, defaultPort: t.scheme === "http" ? 80 : 443, userAgent: ctx.userAgent, maxBodyBytes }, limits);
    if (!http.ok) return no(`${http.code}: ${http.message}`);
    return http;
  } catch (e) {
    return no(`could not fetch ${url}: ${describeError(e)}`);
  } finally {
    clearTimeout(timer);
    socket?.destroy();
  }
}

/** A JSON body or the reason it is not one. */
export function readJson(answer: Outcome<HttpAnswer, string>, name: string): Outcome<unknown, string> {
  const no = (why: string): Outcome<unknown, string> => ({ ok: false, code: "JUNK", message: `${name}: ${why}` });
  if (!answer.ok) return no(answer.message);
  const { status, body, contentType, bodyComplete } = answer.value;
  if (status !== 200) return no(`HTTP ${status}`);
  const text = body.toString("utf8").trim();
  if (/text\/html/i.test(contentType ?? "") || text.startsWith("<")) return no("got HTML instead of JSON (a block page or error page)");
  if (!bodyComplete) return no("the answer was cut off (too large or too slow)");
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return no(`not valid JSON (starts with ${JSON.stringify(text.slice(0, 40))})`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);
const strOrNull = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

/** Turns the three endpoint answers into the result (without timing). Pure; tolerant of any shape. */
export function interpretStatus(global: Outcome<unknown, string>, services: Outcome<unknown, string>, messages: Outcome<unknown, string>): Omit<StatusApiResult, "ms"> {
  const errors: string[] = [];
  let globalStatus: number | null = null;
  let message: string | null = null;
  if (!global.ok) errors.push(global.message);
  else if (!isObject(global.value) || !isInt(global.value.status)) errors.push("global/status: expected {\"status\": <int>, \"message\": <string>}");
  else if (global.value.status < 0 || global.value.status > 3) errors.push(`global/status: status ${global.value.status} is not one of 0–3`);
  else {
    globalStatus = global.value.status;
    const m = strOrNull(global.value.message);
    // The API answers "Access denied" alongside a valid status when it throttles; that text means nothing to a player.
    message = m !== null && m.trim().toLowerCase() !== "access denied" ? m : null;
  }

  let serviceList: StatusService[] = [];
  if (!services.ok) errors.push(services.message);
  else if (!Array.isArray(services.value)) errors.push("services: expected a list");
  else serviceList = services.value.filter(isObject).flatMap((s) => (typeof s.name === "string" && isInt(s.status) ? [{ name: s.name, status: s.status }] : []));

  let messageList: StatusMessage[] = [];
  if (!messages.ok) errors.push(messages.message);
  else if (!Array.isArray(messages.value)) errors.push("message/list: expected a list");
  else {
    messageList = messages.value
      .filter(isObject)
      .flatMap((m) => (typeof m.content === "string" ? [{ time: strOrNull(m.time), type: isInt(m.type) ? m.type : null, content: m.content, solveTime: strOrNull(m.solveTime) }] : []));
    const when = (m: StatusMessage): number => (m.time === null ? 0 : Date.parse(m.time) || 0);
    messageList.sort((a, b) => Number(a.solveTime !== null) - Number(b.solveTime !== null) || when(b) - when(a));
  }

  // tarkov.dev's rule: Trading at status 1 means the game is updating even when the global flag lags behind.
  const trading = serviceList.some((s) => s.name.toLowerCase() === "trading" && s.status === 1);
  const fromGlobal = globalStatus === null ? null : (STATES[globalStatus] ?? null);
  const state = fromGlobal === null ? (trading ? "updating" : "unknown") : fromGlobal === "ok" && trading ? "updating" : fromGlobal;
  return { state, globalStatus, message, services: serviceList, messages: messageList, error: errors.length === 0 ? null : errors.join("; ") };
}

/** Reads the status API at `base` (null = disabled). Never throws. */
export async function probeStatusApi(base: string | null, ctx: ProbeContext): Promise<StatusApiResult> {
  if (base === null) return { state: "disabled", globalStatus: null, message: null, services: [], messages: [], error: null, ms: null };
  const t0 = performance.now();
  const root = base.replace(/\/+$/, "");
  const [g, s, m] = await Promise.all(["global/status", "services", "message/list"].map(async (p) => readJson(await fetchUrl(`${root}/${p}`, ctx), p)));
  return { ...interpretStatus(g!, s!, m!), ms: elapsed(t0) };
}
