/**
 * Escape from Tarkov game-log parsing (eft-facts §5): records, a typed event union, a raid-state tracker and the
 * sentence a support engineer reads. Pure: bytes come in from src/game/tail.ts, nothing here touches the world.
 *
 * Privacy (eft-facts §8): events are built only from the fields picked out below, never from the raw message, so a
 * profile id, account id, session cookie or websocket channel id cannot ride along.
 */
import { redactText } from "../redact.js";
import type { Evidence, FailureCode } from "./types.js";

// ---------------------------------------------------------------------------------------------------------------
// Records

/** One log record: the timestamped head line plus any continuation lines (JSON bodies, stack frames). */
export interface LogRecord {
  /** Timestamp exactly as written, `YYYY-MM-DD HH:MM:SS.mmm`. */
  at: string;
  /** `+HH:MM` on older builds, null on current ones (local time). */
  offset: string | null;
  /** Milliseconds since the epoch; local time when the record carries no offset. */
  epochMs: number;
  /** Full game version, null on 0.16.x / Arena records that omit it. */
  version: string | null;
  level: string;
  channel: string;
  /** The message part of the head line. */
  message: string;
  /** Lines that followed the head without a timestamp of their own. */
  continuation: string[];
}

// All three envelopes (eft-facts §5.3): optional offset, optional version (a version always starts with a digit,
// a level never does, so the two cannot be confused).
const HEAD =
  /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{3})(?: ([+-])(\d{2}):(\d{2}))?\|(?:(\d[\w.]*)\|)?([A-Za-z]+)\|([^|]*)\|(.*)$/;

/** Parses a head line; null when the line does not start a record (it continues the previous one). */
export function parseRecordHead(line: string): Omit<LogRecord, "continuation"> | null {
  const m = HEAD.exec(line);
  if (!m) return null;
  const [y, mo, d, h, mi, s, ms] = m.slice(1, 8).map(Number) as [number, number, number, number, number, number, number];
  let epochMs: number;
  let offset: string | null = null;
  if (m[8] !== undefined) {
    offset = `${m[8]}${m[9]!}:${m[10]!}`;
    const offMin = (Number(m[9]) * 60 + Number(m[10])) * (m[8] === "-" ? -1 : 1);
    epochMs = Date.UTC(y, mo - 1, d, h, mi, s, ms) - offMin * 60_000;
  } else {
    // Current builds write local time; the agent runs on the same machine, so local is right.
    epochMs = new Date(y, mo - 1, d, h, mi, s, ms).getTime();
  }
  return {
    at: line.slice(0, 23),
    offset,
    epochMs,
    version: m[11] ?? null,
    level: m[12]!,
    channel: m[13]!,
    message: m[14]!,
  };
}

/**
 * Streams lines into records. A record is complete once the next head arrives or `flush()` is called (the tailer
 * flushes when a file goes quiet, so a lone last record is not held back). Continuation lines with no open record
 * (the middle of a record we started reading after) are dropped.
 */
export class RecordAssembler {
  #open: LogRecord | null = null;
  /** Caps continuation lines kept per record: a multi-megabyte JSON body is not evidence. */
  constructor(private readonly maxContinuation = 200) {}

  /** Feeds one line (without its newline); returns the record it completed, if any. */
  push(line: string): LogRecord | null {
    const head = parseRecordHead(line);
    if (head) {
      const done = this.#open;
      this.#open = { ...head, continuation: [] };
      return done;
    }
    if (this.#open && this.#open.continuation.length < this.maxContinuation) this.#open.continuation.push(line);
    return null;
  }

  /** Completes and returns the open record, if any. */
  flush(): LogRecord | null {
    const done = this.#open;
    this.#open = null;
    return done;
  }

  get hasOpenRecord(): boolean {
    return this.#open !== null;
  }
}

/** Splits a whole text into records (tests, recent-history scans). */
export function parseRecords(text: string): LogRecord[] {
  const asm = new RecordAssembler();
  const out: LogRecord[] = [];
  for (const line of text.split(/\r?\n/)) {
    const r = asm.push(line);
    if (r) out.push(r);
  }
  const last = asm.flush();
  if (last) out.push(last);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Redaction

const UUID_SRC = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
/** A path segment that is an id or a token rather than a route name. */
const ID_SEGMENT = new RegExp(`^(?:[0-9a-f]{24}|${UUID_SRC}|(?=.*\\d)[A-Za-z0-9_=-]{20,})$`, "i");

/** Removes the query string and id-like path segments (profile ids, channel ids, tokens) from a URL. */
export function redactUrl(url: string): string {
  const q = url.search(/[?#]/);
  const base = q === -1 ? url : url.slice(0, q);
  const m = /^([a-z]+:\/\/[^/]+)(\/.*)?$/i.exec(base);
  if (!m) return "[unparsed url]";
  const path = (m[2] ?? "")
    .split("/")
    // getwebsocket/<ID> is a session-bound channel id (eft-facts §8) whatever it looks like.
    .map((seg, i, all) => (seg !== "" && (all[i - 1]?.toLowerCase() === "getwebsocket" || ID_SEGMENT.test(seg)) ? "[redacted]" : seg))
    .join("/");
  return m[1]!.toLowerCase() + path;
}

// ---------------------------------------------------------------------------------------------------------------
// Backend error codes (eft-facts §6)

/** What a backend error code says about connectivity. */
export type ServerErrorCategory =
  | "success"
  | "generic"
  | "auth"
  | "captcha"
  | "client-version"
  | "cache"
  | "http"
  | "trading"
  | "server-side"
  | "tls"
  | "matchmaking"
  | "session-lost"
  | "raid-server"
  | "edge"
  | "parse"
  | "group"
  | "profile"
  | "rate-limited"
  | "maintenance";

interface CodeInfo {
  name: string;
  category: ServerErrorCategory;
}

const CODES: ReadonlyMap<number, CodeInfo> = new Map<number, CodeInfo>([
  [0, { name: "None", category: "success" }],
  [200, { name: "UnknownError", category: "generic" }],
  [201, { name: "NotAuthorized", category: "auth" }],
  [205, { name: "InvalidUserId", category: "auth" }],
  [206, { name: "BadLogin", category: "auth" }],
  [207, { name: "InvalidParameters", category: "generic" }],
  [209, { name: "NeedAuthorizationCode", category: "auth" }],
  [211, { name: "WrongAuthorizationCode", category: "auth" }],
  [214, { name: "NeedCaptcha", category: "captcha" }],
  [215, { name: "NoNeedCaptcha", category: "captcha" }],
  [216, { name: "CaptchaInvalidAnswer", category: "captcha" }],
  [217, { name: "CaptchaFailed", category: "captcha" }],
  [218, { name: "CaptchaBruteForced", category: "captcha" }],
  [219, { name: "CaptchaError", category: "captcha" }],
  [228, { name: "InvalidBarterItems", category: "trading" }],
  [230, { name: "RateLimited", category: "rate-limited" }],
  [232, { name: "UnsupportedClientVersion", category: "client-version" }],
  [263, { name: "InMaintenance", category: "maintenance" }],
  [304, { name: "NotModified", category: "cache" }],
  [400, { name: "HTTPBadRequest", category: "http" }],
  [401, { name: "HTTPUnauthorized", category: "http" }],
  [403, { name: "HTTPForbidden", category: "http" }],
  [404, { name: "HTTPNotFound", category: "http" }],
  [405, { name: "HTTPMethodNotAllowed", category: "http" }],
  [500, { name: "UnknownTradingError", category: "trading" }],
  [501, { name: "HTTPNotImplemented", category: "http" }],
  [502, { name: "HTTPBadGateway", category: "server-side" }],
  [503, { name: "HTTPServiceUnavailable", category: "server-side" }],
  [504, { name: "HTTPGatewayTimeout", category: "server-side" }],
  [526, { name: "HTTPInvalidSSLCertificate", category: "tls" }],
  [600, { name: "UnknownMatchmakerError", category: "matchmaking" }],
  [601, { name: "SessionParametersError", category: "matchmaking" }],
  [602, { name: "SessionLost", category: "session-lost" }],
  [604, { name: "ServerNotRegistered", category: "raid-server" }],
  [1000, { name: "BackendError", category: "generic" }],
  [9000, { name: "UnknownNginxError", category: "edge" }],
  [9001, { name: "ParseResponseError", category: "parse" }],
  [502014, { name: "PlayerIsOffline", category: "group" }],
  [502032, { name: "PlayerIsInRegularMode", category: "group" }],
  [502033, { name: "PlayerIsInPveMode", category: "group" }],
  [503000, { name: "UnknownMatchmakerError", category: "matchmaking" }],
  [503001, { name: "PlayerAlreadyLookingForGame", category: "matchmaking" }],
  [503002, { name: "PlayerInRaid", category: "matchmaking" }],
  [505001, { name: "PlayerProfileNotFound", category: "profile" }],
]);

/** Categories that point at the path to BSG (or BSG's servers) rather than at the player's account or actions. */
const CONNECTIVITY_CATEGORIES: ReadonlySet<ServerErrorCategory> = new Set([
  "server-side",
  "tls",
  "session-lost",
  "raid-server",
  "edge",
  "parse",
  "maintenance",
]);

const CATEGORY_MEANING: Record<ServerErrorCategory, string> = {
  success: "success",
  generic: "generic backend error",
  auth: "session expired or not logged in",
  captcha: "anti-bot challenge",
  "client-version": "the client needs an update",
  cache: "cache answer",
  http: "HTTP error mirrored by the backend",
  trading: "trading error",
  "server-side": "BSG's server side failed",
  tls: "TLS certificate problem: interception or a broken edge",
  matchmaking: "matchmaking error",
  "session-lost": "the game session was dropped",
  "raid-server": "the raid server is not registered",
  edge: "BSG's proxy/edge failed",
  parse: "the answer was not data (for example an HTML error page)",
  group: "group/party error",
  profile: "profile error",
  "rate-limited": "too many requests",
  maintenance: "servers in maintenance",
};

/** Name, category and connectivity meaning of a backend error code; unknown codes get a neutral entry. */
export function describeServerCode(code: number): { name: string; category: ServerErrorCategory; meaning: string; connectivity: boolean } {
  const info =
    CODES.get(code) ??
    (code >= 502000 && code <= 502099 ? { name: "GroupError", category: "group" as const } : { name: "Unknown", category: "generic" as const });
  return { ...info, meaning: CATEGORY_MEANING[info.category], connectivity: CONNECTIVITY_CATEGORIES.has(info.category) };
}

// ---------------------------------------------------------------------------------------------------------------
// Events

interface Base {
  /** Timestamp as written in the log (or derived from the session folder for `session-start`). */
  at: string;
  epochMs: number;
  channel: string;
}

export type SessionMode = "regular" | "pve" | "pvp-season";

export type GameLogEvent = Base &
  (
    | { kind: "backend-request"; host: string; url: string }
    | { kind: "backend-response"; host: string; url: string; seconds: number | null }
    | {
        kind: "backend-error";
        host: string;
        url: string;
        result: string | null;
        isNetworkError: boolean | null;
        isHttpError: boolean | null;
        responseCode: number | null;
      }
    | { kind: "backend-retry"; host: string; url: string; retry: number; of: number; afterSec: number | null }
    | { kind: "server-side-exception"; code: number; name: string; category: ServerErrorCategory; meaning: string; connectivity: boolean }
    | { kind: "nginx-error-page"; host: string | null; url: string | null }
    | { kind: "websocket-host"; host: string; url: string }
    | { kind: "websocket-error"; host: string | null; detail: string }
    | { kind: "session-mode"; mode: SessionMode | "unknown"; raw: string }
    | { kind: "matching-started" }
    | { kind: "matching-completed" }
    | { kind: "matching-aborted" }
    | {
        kind: "raid-assigned";
        ip: string;
        port: number | null;
        location: string | null;
        raidMode: string | null;
        /** Server part of `Sid` before `_`, e.g. `US-DAL03G010`. */
        serverId: string | null;
        /** Data centre from the `Sid` prefix, e.g. `US-DAL03`. */
        datacenter: string | null;
        shortId: string | null;
      }
    | { kind: "raid-started" }
    | { kind: "raid-ended"; marker: string }
    | { kind: "raid-connect"; address: string }
    | { kind: "raid-connected"; address: string | null }
    | { kind: "raid-disconnected"; address: string | null; reason: number | null }
    | { kind: "raid-timeout"; address: string | null; afterMs: number | null; what: "messages" | "connection" }
    | { kind: "raid-statistics"; address: string | null; rtt: number | null; lose: number | null; sent: number | null; received: number | null }
    /** Synthesised by the tailer when it attaches to a (new) session folder: the game (re)started. */
    | { kind: "session-start"; folder: string; version: string | null }
  );

export type GameLogEventKind = GameLogEvent["kind"];

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event without its timestamp and channel: what the per-channel classifiers produce. */
type EventBody = DistributiveOmit<GameLogEvent, keyof Base>;

const URL_RE = /\b((?:https?|wss?):\/\/[^\s,'"()]+)/i;

const hostOf = (url: string): string | null => {
  const m = /^[a-z]+:\/\/([^/?#]+)/i.exec(url);
  // Userinfo (`https://tok@gw….escapefromtarkov.com`) never appears in a real game line: such a URL names no host.
  if (!m || m[1]!.includes("@")) return null;
  return m[1]!.replace(/:\d*$/, "").toLowerCase();
};

const bool = (s: string | undefined): boolean | null => (s === undefined ? null : /^true$/i.test(s) ? true : /^false$/i.test(s) ? false : null);
const num = (s: string | undefined): number | null => {
  if (s === undefined) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
};
const field = (text: string, name: string): string | undefined => new RegExp(`\\b${name}:\\s*([^,\\s')]+)`, "i").exec(text)?.[1];

function classifyBackend(msg: string, whole: string): EventBody | null {
  // Order matters: an error record may carry an nginx page or a server exception in its body.
  const sse = /BackendServerSideException:\s*(\d+)/.exec(whole);
  if (sse) {
    const code = Number(sse[1]);
    return { kind: "server-side-exception", code, ...describeServerCode(code) };
  }
  const urlMatch = URL_RE.exec(msg);
  const rawUrl = urlMatch?.[1];
  const host = rawUrl ? hostOf(rawUrl) : null;
  const url = rawUrl ? redactUrl(rawUrl) : null;
  if (whole.includes("5xx-error-landing")) return { kind: "nginx-error-page", host, url };
  if (!rawUrl || !host || !url) return null;

  if (/^<---\s*Error!/.test(msg)) {
    return {
      kind: "backend-error",
      host,
      url,
      result: field(msg, "result") ?? null,
      isNetworkError: bool(field(msg, "isNetworkError")),
      isHttpError: bool(field(msg, "isHttpError")),
      responseCode: num(field(msg, "responseCode")),
    };
  }
  const retry = /will be retried after\s*([\d.]+)\s*sec.*?retry:\s*(\d+)\s*from retries:\s*(\d+)/i.exec(msg);
  if (/^Request\s/.test(msg) && retry) {
    return { kind: "backend-retry", host, url, retry: Number(retry[2]), of: Number(retry[3]), afterSec: num(retry[1]) };
  }
  if (/^--->\s*Request\b/.test(msg)) return { kind: "backend-request", host, url };
  if (/^<---\s*Response\b/.test(msg)) return { kind: "backend-response", host, url, seconds: num(field(msg, "SumSeconds")) };
  return null;
}

function classifyPush(msg: string, level: string): EventBody | null {
  const ws = /\b(wss?:\/\/[^\s,'"()]+)/i.exec(msg);
  if (/^(error|warn|warning)$/i.test(level)) {
    return { kind: "websocket-error", host: ws ? hostOf(ws[1]!) : null, detail: redactText(msg.replace(/(?:wss?|https?):\/\/[^\s,'"()]+/gi, (u) => redactUrl(u))).slice(0, 160) };
  }
  if (ws) {
    const host = hostOf(ws[1]!);
    if (host) return { kind: "websocket-host", host, url: redactUrl(ws[1]!) };
  }
  return null;
}

function parseAddress(s: string | undefined): string | null {
  return s === undefined ? null : s.replace(/[),]+$/, "");
}

function classifyNetwork(msg: string): EventBody | null {
  const address = parseAddress(/address:\s*([^,\s)]+)/i.exec(msg)?.[1]);
  if (/^Connect \(/.test(msg) && address) return { kind: "raid-connect", address };
  if (/^Enter to the 'Connected' state/.test(msg)) return { kind: "raid-connected", address };
  if (/^Enter to the 'Disconnected' state/.test(msg)) {
    return { kind: "raid-disconnected", address, reason: num(/reason:\s*(-?\d+)/i.exec(msg)?.[1]) };
  }
  const timeout = /^Timeout:\s*(Messages|Connection)\b/i.exec(msg);
  if (timeout) {
    return {
      kind: "raid-timeout",
      address,
      afterMs: num(/for\s*(\d+)\s*ms/i.exec(msg)?.[1]),
      what: timeout[1]!.toLowerCase() === "messages" ? "messages" : "connection",
    };
  }
  if (/^Statistics \(/.test(msg)) {
    return {
      kind: "raid-statistics",
      address,
      rtt: num(field(msg, "rtt")),
      lose: num(field(msg, "lose")),
      sent: num(field(msg, "sent")),
      received: num(field(msg, "received")),
    };
  }
  return null;
}

const RAID_END_MARKERS = ["OnGameSessionEnd", "GameOverSaveStatus", "PostRaid_Start", "UserMatchOver", "GameplayState: Finished"] as const;

function classifyApplication(msg: string): EventBody | null {
  if (msg.includes("NetworkGameCreate")) {
    const ip = field(msg, "Ip");
    if (!ip) return null;
    const sid = field(msg, "Sid") ?? null;
    const serverId = sid ? sid.split("_")[0]! : null;
    const dc = serverId ? /^([A-Z]{2}-[A-Z0-9]+?)G\d+$/i.exec(serverId)?.[1] ?? null : null;
    return {
      kind: "raid-assigned",
      ip,
      port: num(field(msg, "Port")),
      location: /\bLocation:\s*([^,']+)/.exec(msg)?.[1]?.trim() ?? null,
      raidMode: field(msg, "RaidMode") ?? null,
      serverId,
      datacenter: dc,
      shortId: field(msg, "shortId") ?? null,
    };
  }
  const mode = /Session mode:\s*(\w+)/i.exec(msg);
  if (mode) {
    const raw = mode[1]!;
    const known: Record<string, SessionMode> = { regular: "regular", pve: "pve", pvpseason: "pvp-season" };
    return { kind: "session-mode", mode: known[raw.toLowerCase()] ?? "unknown", raw };
  }
  if (/\bMatchingCompleted\b|MatchingProgressState:\s*GameFound/.test(msg)) return { kind: "matching-completed" };
  if (/\bMatching with group id\b|MatchingProgressState:\s*MatchingStarted/i.test(msg)) return { kind: "matching-started" };
  if (/Network game matching (aborted|cancell?ed)/i.test(msg)) return { kind: "matching-aborted" };
  if (/\bGameStart(?:ing|ed)\b|GameplayState:\s*Running/.test(msg)) return { kind: "raid-started" };
  const end = RAID_END_MARKERS.find((m) => msg.includes(m));
  if (end) return { kind: "raid-ended", marker: end };
  return null;
}

/** Classifies one record; null for the many records that say nothing about connectivity or the raid. */
export function classifyRecord(rec: LogRecord): GameLogEvent | null {
  const channel = rec.channel.toLowerCase();
  const msg = rec.message.trim();
  let body: EventBody | null = null;
  if (channel === "backend") body = classifyBackend(msg, rec.continuation.length ? `${msg}\n${rec.continuation.join("\n")}` : msg);
  else if (channel === "push-notifications" || channel === "notifications") body = classifyPush(msg, rec.level);
  else if (channel === "network-connection") body = classifyNetwork(msg);
  else if (channel === "application") body = classifyApplication(msg);
  if (!body) return null;
  return { at: rec.at, epochMs: rec.epochMs, channel, ...body } as GameLogEvent;
}

/** Parses a whole text into events (tests, recent-history scans). */
export function parseEvents(text: string): GameLogEvent[] {
  return parseRecords(text).flatMap((r) => classifyRecord(r) ?? []);
}

// ---------------------------------------------------------------------------------------------------------------
// What the monitor does with events

/**
 * True for events that should start a diagnosis round at once: the game itself saw the path to BSG fail. Plain
 * requests, responses, raid bookkeeping and statistics never do.
 */
export function shouldDiagnose(e: GameLogEvent): boolean {
  switch (e.kind) {
    case "backend-error":
      return e.isNetworkError === true || (e.responseCode !== null && e.responseCode >= 500) || e.responseCode === 0;
    case "server-side-exception":
      return e.connectivity;
    case "nginx-error-page":
    case "raid-timeout":
      return true;
    case "backend-retry":
      // The first retry of anything is routine; a second in a row is a pattern.
      return e.retry >= 2;
    case "raid-disconnected":
      // reason 0 is the normal end of a raid in every sample seen; other codes are unverified (eft-facts, unknowns).
      return e.reason !== null && e.reason !== 0;
    case "websocket-error":
      return true;
    default:
      return false;
  }
}

/** BSG domains whose hosts may join the probe set; anything else seen in a log is not probed. */
const BSG_DOMAINS = ["escapefromtarkov.com", "escapefromtarkov.ru", "tarkov.com", "eft-store.com", "battlestategames.com"];

export const isBsgHost = (host: string): boolean =>
  /^[a-z0-9][a-z0-9.-]*$/i.test(host) && BSG_DOMAINS.some((d) => host === d || host.endsWith(`.${d}`));

/** A live host the game is using, for the probe set: gateways over HTTPS, notification hosts over WSS. */
export interface ObservedHost {
  host: string;
  role: "gateway" | "websocket";
}

/** The host an event shows the game talking to, when it is a BSG host worth probing. */
export function observedHost(e: GameLogEvent): ObservedHost | null {
  switch (e.kind) {
    case "backend-request":
    case "backend-response":
    case "backend-error":
    case "backend-retry":
      return isBsgHost(e.host) ? { host: e.host, role: "gateway" } : null;
    case "websocket-host":
      return isBsgHost(e.host) ? { host: e.host, role: "websocket" } : null;
    default:
      return null;
  }
}

/** Game mode from a gateway or notification host prefix (eft-facts §5.3), when the log has no `Session mode` line. */
export function modeFromHost(host: string): SessionMode | null {
  const h = host.toLowerCase();
  if (/^(gw|wsn)-pvp-season(?:[-.]|$)/.test(h)) return "pvp-season";
  if (/^(gw|wsn)-pve(?:[-.]|$)/.test(h)) return "pve";
  if (/^(gw|wsn)-pvp(?:[-.]|$)|^prod(?:-\d+)?\./.test(h)) return "regular";
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Evidence

const hhmmss = (e: GameLogEvent): string => e.at.slice(11, 19);
const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** The sentence for one event. */
export function describeEvent(e: GameLogEvent): string {
  switch (e.kind) {
    case "backend-request":
      return `request to ${e.host}`;
    case "backend-response":
      return `answer from ${e.host}${e.seconds !== null ? ` in ${fmt(e.seconds)} s` : ""}`;
    case "backend-error": {
      const what = e.isNetworkError
        ? "network error"
        : e.isHttpError || (e.responseCode !== null && e.responseCode > 0)
          ? `HTTP error ${e.responseCode ?? "?"}`
          : "error";
      return `request to ${e.host} failed (${what}${e.result ? `, result ${e.result}` : ""})`;
    }
    case "backend-retry":
      return `the game is retrying a request to ${e.host} (retry ${e.retry} of ${e.of})`;
    case "server-side-exception":
      return `the backend answered error ${e.code} ${e.name} (${e.meaning})`;
    case "nginx-error-page":
      return `${e.host ?? "the backend"} sent a proxy error page instead of data (BSG's edge is failing)`;
    case "websocket-host":
      return `notification channel uses ${e.host}`;
    case "websocket-error":
      return `notification channel problem${e.host ? ` with ${e.host}` : ""}: ${e.detail}`;
    case "session-mode":
      return `session mode ${e.raw}`;
    case "matching-started":
      return "matching started";
    case "matching-completed":
      return "matching completed";
    case "matching-aborted":
      return "matching aborted";
    case "raid-assigned": {
      const where = [e.location, e.datacenter ? `data centre ${e.datacenter}` : null].filter(Boolean).join(", ");
      return `raid server ${e.ip}${e.port !== null ? `:${e.port}` : ""} assigned${where ? ` (${where})` : ""}`;
    }
    case "raid-started":
      return "raid started";
    case "raid-ended":
      return "raid ended";
    case "raid-connect":
      return `connecting to raid server ${e.address}`;
    case "raid-connected":
      return `connected to raid server${e.address ? ` ${e.address}` : ""}`;
    case "raid-disconnected":
      return `disconnected from raid server${e.address ? ` ${e.address}` : ""}${e.reason !== null ? ` (reason ${e.reason})` : ""}`;
    case "raid-timeout":
      return `raid connection${e.address ? ` to ${e.address}` : ""} timed out${e.afterMs !== null ? ` (no message for ${e.afterMs} ms)` : ""}`;
    case "raid-statistics": {
      const parts = [e.rtt !== null ? `RTT ${fmt(e.rtt)} ms` : null, e.lose !== null ? `loss ${fmt(e.lose)}` : null].filter(Boolean);
      return `raid link${e.address ? ` ${e.address}` : ""} statistics: ${parts.join(", ") || "no figures"}`;
    }
    case "session-start":
      return `game session started${e.version ? ` (version ${e.version})` : ""}`;
  }
}

function failureCode(e: GameLogEvent): FailureCode | undefined {
  if (e.kind === "nginx-error-page") return "HTTP_5XX";
  if (e.kind === "backend-error" && !e.isNetworkError && e.responseCode !== null) {
    if (e.responseCode >= 500) return "HTTP_5XX";
    if (e.responseCode >= 400) return "HTTP_4XX";
  }
  if (e.kind === "server-side-exception" && e.category === "server-side") return "HTTP_5XX";
  return undefined;
}

/** The event as diagnosis evidence: "Game log 21:04:11: request to gw-pvp-01.escapefromtarkov.com failed (…)". */
export function toEvidence(e: GameLogEvent): Evidence {
  const ev: Evidence = { kind: "game-log", text: `Game log ${hhmmss(e)}: ${describeEvent(e)}` };
  const code = failureCode(e);
  if (code) ev.code = code;
  return ev;
}

// ---------------------------------------------------------------------------------------------------------------
// Raid state

export type RaidPhase = "idle" | "matching" | "in-raid";

export interface RaidState {
  phase: RaidPhase;
  /** When the phase was entered (event time). */
  since: number;
  /** The raid server, once assigned or connected. */
  server: { ip: string; port: number | null; location: string | null; datacenter: string | null } | null;
}

export const initialRaidState = (at = 0): RaidState => ({ phase: "idle", since: at, server: null });

const splitAddress = (address: string): { ip: string; port: number | null } => {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
  return m ? { ip: m[1]!, port: Number(m[2]) } : { ip: address, port: null };
};

/** Pure transition: idle → matching → in-raid → idle, from application and network-connection events. */
export function nextRaidState(s: RaidState, e: GameLogEvent): RaidState {
  const to = (phase: RaidPhase, server = s.server): RaidState =>
    phase === s.phase && server === s.server ? s : { phase, since: phase === s.phase ? s.since : e.epochMs, server };
  switch (e.kind) {
    case "session-start":
    case "matching-aborted":
    case "raid-ended":
    case "raid-disconnected":
      return to("idle", null);
    case "matching-started":
      return s.phase === "in-raid" ? s : to("matching", null);
    case "matching-completed":
      return s.phase === "in-raid" ? s : to("matching");
    case "raid-assigned":
      // A fresh assignment while "in raid" means we missed the end of the last one.
      return to("matching", { ip: e.ip, port: e.port, location: e.location, datacenter: e.datacenter });
    case "raid-connect": {
      const { ip, port } = splitAddress(e.address);
      const server = s.server && s.server.ip === ip ? s.server : { ip, port, location: null, datacenter: null };
      return s.phase === "in-raid" ? to("in-raid", server) : to("matching", server);
    }
    case "raid-connected":
    case "raid-started":
      return to("in-raid");
    default:
      return s;
  }
}

/** Tracks the raid phase; `busy` tells the notifier to hold non-urgent toasts until the raid ends. */
export class RaidStateTracker {
  #state: RaidState;
  #lastEventMs: number;

  constructor(
    /** A phase other than idle with no raid event for this long is stale (game crashed, log stopped). */
    private readonly staleMs: { matching: number; inRaid: number } = { matching: 30 * 60_000, inRaid: 3 * 60 * 60_000 },
    at = 0,
  ) {
    this.#state = initialRaidState(at);
    this.#lastEventMs = at;
  }

  get state(): RaidState {
    return this.#state;
  }

  /** True while matching or in a raid. */
  get busy(): boolean {
    return this.#state.phase !== "idle";
  }

  /** Applies one event; returns the previous phase when the phase changed, else null. */
  update(e: GameLogEvent): { from: RaidPhase; to: RaidPhase } | null {
    const prev = this.#state;
    this.#state = nextRaidState(prev, e);
    if (e.kind !== "backend-request" && e.kind !== "backend-response") this.#lastEventMs = Math.max(this.#lastEventMs, e.epochMs);
    return prev.phase === this.#state.phase ? null : { from: prev.phase, to: this.#state.phase };
  }

  /** Falls back to idle when the phase has gone stale; call from a timer with the current time. */
  expire(nowMs: number): { from: RaidPhase; to: RaidPhase } | null {
    const s = this.#state;
    const limit = s.phase === "matching" ? this.staleMs.matching : s.phase === "in-raid" ? this.staleMs.inRaid : Infinity;
    if (nowMs - Math.max(this.#lastEventMs, s.since) <= limit) return null;
    this.#state = initialRaidState(nowMs);
    return { from: s.phase, to: "idle" };
  }
}
