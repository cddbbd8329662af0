/**
 * Turns log records into events, channel by channel. Every shape recognised here is quoted from real lines in the
 * corpus test (test/game/real-lines.test.ts) with its source; markers no real line shows are not recognised.
 */
import { redactText } from "../../redact.js";
import { describeServerCode, parseResponseCode, ruleNameOf } from "./error-codes.js";
import type { EventBody, GameLogEvent, NetworkReasonKind, RaidServerSource, SessionMode } from "./events.js";
import { parseRecords, type LogRecord } from "./records.js";
import { URL_RE, hostOf, redactUrl, trimUrl } from "./urls.js";

const bool = (s: string | undefined): boolean | null => (s === undefined ? null : /^true$/i.test(s) ? true : /^false$/i.test(s) ? false : null);
const num = (s: string | undefined): number | null => {
  if (s === undefined) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
};
const FIELD_RES = new Map<string, RegExp>();
/** `name: value` inside a message, up to the next comma, space, quote or bracket. */
const field = (text: string, name: string): string | undefined => {
  let re = FIELD_RES.get(name);
  if (!re) FIELD_RES.set(name, (re = new RegExp(`\\b${name}:\\s*([^,\\s')]+)`, "i")));
  return re.exec(text)?.[1];
};

/** Redacts a free-text reason for evidence: URLs lose ids and queries, tokens and names go, and it stays short. */
function cleanReason(text: string): string | null {
  const t = text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/(?:https?|wss?):\/\/[^\s,'"()<>]+/gi, (u) => redactUrl(u))
    .trim();
  if (t === "") return null;
  const r = redactText(t);
  return r.length > 120 ? `${r.slice(0, 119)}…` : r;
}

/**
 * What a client network error text says failed. The texts are UnityWebRequest's own (`Cannot resolve destination
 * host`, `Cannot connect to destination host`, `Unable to complete SSL connection`, `Request timeout`, …) plus the
 * client's substitute `Certificate validation error` (decompiled backend client: `"Unknown Error"` is logged as that).
 */
export function reasonKindOf(text: string | null): NetworkReasonKind | null {
  if (text === null) return null;
  const t = text.toLowerCase();
  if (/cannot resolve|could not resolve|name resolution|resolve host/.test(t)) return "dns";
  if (/ssl|tls|certificate/.test(t)) return "tls";
  if (/timed out|timeout/.test(t)) return "timeout";
  if (/cannot connect|could not connect|no internet|connection refused|unreachable|connection (?:was )?(?:reset|closed)/.test(t)) return "connect";
  return "other";
}

/** Backend routes whose request means the raid is over (TarkovTracker's audit: the backend side of a raid's end). */
const RAID_END_ROUTES = ["/client/match/local/end", "/client/match/exit"];

function classifyBackend(rec: LogRecord, msg: string): EventBody | null {
  const whole = rec.continuation.length ? `${msg}\n${rec.continuation.join("\n")}` : msg;
  // Order matters: an error or response record may carry a server exception or an nginx page in its body.
  const sse = /BackendServerSideException:\s*(\d+)(?:\s*-\s*([^\n]*))?/.exec(whole);
  if (sse) {
    const code = Number(sse[1]);
    const info = describeServerCode(code);
    return { kind: "server-side-exception", code, ...info, name: ruleNameOf(sse[2] ?? "") ?? info.name };
  }
  const rawUrl = URL_RE.exec(msg)?.[1];
  const host = rawUrl ? hostOf(rawUrl) : null;
  const url = rawUrl ? redactUrl(rawUrl) : null;
  if (whole.includes("5xx-error-landing")) return { kind: "nginx-error-page", host, url };
  // No URL, or one that is not a plain URL to a DNS name (user info, garbage): nothing to say about the path.
  if (!rawUrl || !host || !url) return null;

  if (/^<---\s*Error!/.test(msg)) {
    // The client writes the error text on a continuation line (`error text: <UnityWebRequest.error>`).
    const errLine = rec.continuation.map((l) => /^\s*error text:\s*(.*)$/i.exec(l)?.[1]).find((t) => t !== undefined && t.trim() !== "");
    const reason = cleanReason(errLine ?? /\berror(?: text)?:\s*(.+)$/i.exec(msg)?.[1] ?? "");
    return {
      kind: "backend-error",
      host,
      url,
      result: field(msg, "result") ?? null,
      isNetworkError: bool(field(msg, "isNetworkError")),
      isHttpError: bool(field(msg, "isHttpError")),
      responseCode: parseResponseCode(field(msg, "responseCode")),
      reason,
      reasonKind: reasonKindOf(reason),
    };
  }
  const retry = /will be retried after\s*([\d.]+)\s*sec.*?retry:\s*(\d+)\s*from retries:\s*(\d+)/i.exec(msg);
  if (/^Request\s/.test(msg) && retry) {
    const reason = cleanReason(/\berror:\s*(.+)$/i.exec(msg)?.[1] ?? "");
    return { kind: "backend-retry", host, url, retry: Number(retry[2]), of: Number(retry[3]), afterSec: num(retry[1]), reason, reasonKind: reasonKindOf(reason) };
  }
  if (/^--->\s*Request\b/.test(msg)) {
    const path = /^[a-z]+:\/\/[^/]+(\/[^?#]*)/i.exec(trimUrl(rawUrl))?.[1]?.toLowerCase() ?? "";
    const route = RAID_END_ROUTES.find((r) => path === r);
    return route ? { kind: "raid-ended", marker: route } : { kind: "backend-request", host, url };
  }
  if (/^<---\s*Response\b/.test(msg)) return { kind: "backend-response", host, url, seconds: num(field(msg, "SumSeconds")) };
  return null;
}

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^[0-9a-f:.]{2,45}$/i;
const isIpAddress = (s: string): boolean => IPV4.test(s) || (s.includes(":") && IPV6.test(s));
/** A map name as logs write it (`Interchange`, `factory4_day`, `Sandbox_high`): anything else is not kept. */
const cleanLocation = (s: string | undefined): string | null => {
  const t = s?.trim();
  return t && /^[\p{L}\p{N}_ -]{1,40}$/u.test(t) ? t : null;
};
/** Data centre from a `Sid` such as `US-DAL03G010_692ee0420a302012001058bd_02.12.25_15-49-06`: `US-DAL03`. */
const datacenterOf = (sid: string | undefined): string | null => (sid ? (/^([A-Z]{2}-[A-Z0-9]+?)G\d+(?:_|$)/i.exec(sid)?.[1]?.toUpperCase() ?? null) : null);

/** `TRACE-NetworkGameCreate profileStatus: '…, Ip: …, Port: …, Location: …, Sid: …'`: only the server's fields. */
function raidAssigned(msg: string, source: RaidServerSource): EventBody | null {
  const ip = field(msg, "Ip");
  if (!ip || !isIpAddress(ip)) return null;
  return {
    kind: "raid-assigned",
    marker: "TRACE-NetworkGameCreate",
    source,
    ip,
    port: num(field(msg, "Port")),
    location: cleanLocation(/\bLocation:\s*([^,']+)/.exec(msg)?.[1]),
    raidMode: field(msg, "RaidMode") ?? null,
    datacenter: datacenterOf(field(msg, "Sid")),
  };
}

const MENU_RETURN = /^(CompleteSelectedProfile|PrepareSelectedProfileLocally|SelectProfile)\b/;
const MATCHING_STARTED = /^(Matching with group id|TRACE-NetworkGameMatching|LocationLoaded)\b/;

function classifyApplication(msg: string): EventBody | null {
  if (msg.includes("NetworkGameCreate")) return raidAssigned(msg, "application");
  const mode = /Session mode:\s*(\w+)/i.exec(msg);
  if (mode) {
    const raw = mode[1]!;
    const known: Record<string, SessionMode> = { regular: "regular", pve: "pve", pvpseason: "pvp-season" };
    return { kind: "session-mode", mode: known[raw.toLowerCase()] ?? "unknown", raw };
  }
  const menu = MENU_RETURN.exec(msg);
  if (menu) return { kind: "menu-return", marker: menu[1]! };
  const cancelled = /^(?:(Network|Local) game matching (aborted|cancell?ed))/i.exec(msg);
  if (cancelled) return { kind: "matching-aborted", marker: cancelled[0] };
  if (/^MatchingCompleted\b/.test(msg)) return { kind: "matching-completed", marker: "MatchingCompleted" };
  const started = MATCHING_STARTED.exec(msg);
  if (started) return { kind: "matching-started", marker: started[1]! };
  const game = /^(GameStarting|GameStarted)\b/.exec(msg);
  if (game) return { kind: "raid-started", marker: game[1]! };
  return null;
}

/** `traces.log` (0.16.x, TarkovSpawnNotifier reads it for the server): only the raid server is taken from it. */
function classifyTraces(msg: string): EventBody | null {
  return msg.includes("NetworkGameCreate") ? raidAssigned(msg, "traces") : null;
}

const addressOf = (msg: string): string | null => /address:\s*([^,\s)]+)/i.exec(msg)?.[1]?.replace(/[),]+$/, "") ?? null;

function classifyNetwork(msg: string): EventBody | null {
  const address = addressOf(msg);
  if (/^Connect \(/.test(msg) && address) return { kind: "raid-connect", marker: "Connect", address };
  if (/^Enter to the 'Connected' state/.test(msg)) return { kind: "raid-connected", marker: "Enter to the 'Connected' state", address };
  const disconnect = /^(Disconnect|Send disconnect|Receive disconnect|Enter to the 'Disconnected' state)\b/.exec(msg);
  if (disconnect) return { kind: "raid-disconnected", marker: disconnect[1]!, address, reason: num(/reason:\s*(-?\d+)/i.exec(msg)?.[1]) };
  const timeout = /^Timeout:\s*(Messages|Connection)\b/i.exec(msg);
  if (timeout) {
    return { kind: "raid-timeout", address, afterMs: num(/for\s*(\d+)\s*ms/i.exec(msg)?.[1]), what: timeout[1]!.toLowerCase() === "messages" ? "messages" : "connection" };
  }
  if (/^Statistics \(/.test(msg)) {
    const raw = num(field(msg, "lose"));
    // Real lines print float noise for a loss-free link (`lose: -1.164153E-10`): that is 0.
    const lose = raw === null ? null : raw < 0 || Math.abs(raw) < 1e-6 ? 0 : raw;
    return {
      kind: "raid-statistics",
      address,
      rtt: num(field(msg, "rtt")),
      lose,
      // A fraction of packets, as Tarkov Server Guard reads it (ServerReportCore.cs: value × 100 = percent).
      lossPercent: lose === null ? null : Math.round(lose * 100 * 100) / 100,
      sent: num(field(msg, "sent")),
      received: num(field(msg, "received")),
    };
  }
  return null;
}

/** A notification's type from `Got notification | <Type>` (TarkovMonitor) or `Received notification: Type: <Type>`. */
const notificationName = (msg: string): string | null =>
  /\bGot notification\s*\|\s*([A-Za-z]\w{0,63})/.exec(msg)?.[1] ?? /\bReceived notification:\s*Type:\s*([A-Za-z]\w{0,63})/.exec(msg)?.[1] ?? null;

/**
 * `UserConfirmed` names the raid server. Its payload also holds the profile id and a profile token: only `ip`,
 * `port`, `location`, `raidMode` and the data centre from `sid` are read, each by its own key, and nothing else.
 */
function userConfirmed(rec: LogRecord, msg: string): EventBody | null {
  const body = [msg, ...rec.continuation.slice(0, 40)].join("\n");
  const str = (key: string): string | undefined => new RegExp(`"${key}"\\s*:\\s*"([^"\\n]{0,200})"`).exec(body)?.[1];
  const ip = str("ip");
  if (!ip || !isIpAddress(ip)) return null;
  return {
    kind: "raid-assigned",
    marker: "UserConfirmed",
    source: "push-notifications",
    ip,
    port: num(/"port"\s*:\s*(\d{1,5})\b/.exec(body)?.[1]),
    location: cleanLocation(str("location")),
    raidMode: str("raidMode") && /^\w{1,20}$/.test(str("raidMode")!) ? str("raidMode")! : null,
    datacenter: datacenterOf(str("sid")),
  };
}

function classifyPush(rec: LogRecord, msg: string): EventBody | null {
  if (/^(error|warn|warning)$/i.test(rec.level)) {
    const ws = URL_RE.exec(msg)?.[1];
    return { kind: "websocket-error", host: ws ? hostOf(ws) : null, detail: (cleanReason(msg) ?? "").slice(0, 160) };
  }
  const name = notificationName(msg);
  if (name === "UserMatchOver") return { kind: "raid-ended", marker: "UserMatchOver" };
  if (name === "UserConfirmed") return userConfirmed(rec, msg);
  if (name !== null) return null; // every other notification: its name is not ours and its payload is private
  const ws = /\b(wss?:\/\/[^\s,'"()<>]+)/i.exec(msg)?.[1];
  if (ws) {
    const host = hostOf(ws);
    if (host) return { kind: "websocket-host", host, url: redactUrl(ws) };
  }
  return null;
}

/** The tailed file a record came from, when it differs from the record's own channel (`traces.log`). */
export type FileChannel = "traces";

/** Classifies one record; null for the many records that say nothing about connectivity or the raid. */
export function classifyRecord(rec: LogRecord, file?: FileChannel): GameLogEvent | null {
  const channel = rec.channel.toLowerCase();
  const msg = rec.message.trim();
  let body: EventBody | null = null;
  if (file === "traces") body = classifyTraces(msg);
  else if (channel === "backend") body = classifyBackend(rec, msg);
  else if (channel === "push-notifications" || channel === "notifications") body = classifyPush(rec, msg);
  else if (channel === "network-connection") body = classifyNetwork(msg);
  else if (channel === "application") body = classifyApplication(msg);
  else if (channel === "traces") body = classifyTraces(msg);
  if (!body) return null;
  return { at: rec.at, epochMs: rec.epochMs, channel: file ?? channel, ...body } as GameLogEvent;
}

/** Parses a whole text into events (tests, recent-history scans). */
export function parseEvents(text: string, file?: FileChannel): GameLogEvent[] {
  return parseRecords(text).flatMap((r) => classifyRecord(r, file) ?? []);
}
