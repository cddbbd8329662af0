/**
 * What the monitor does with game-log events: which ones start a diagnosis, which hosts join the probe set, and the
 * sentence a support engineer reads in the evidence.
 */
import type { Evidence, FailureCode } from "../types.js";
import type { GameLogEvent, NetworkReasonKind, SessionMode } from "./events.js";
import { isBsgHost } from "./urls.js";

/** Reasons that name a failure of the path itself (not a slow answer): one is enough to look now. */
const PATH_REASONS: ReadonlySet<NetworkReasonKind> = new Set(["dns", "connect", "tls"]);

/**
 * True for events that should start a diagnosis round at once: the game itself saw the path to BSG fail. Plain
 * requests, responses, raid bookkeeping and statistics never do.
 */
export function shouldDiagnose(e: GameLogEvent): boolean {
  switch (e.kind) {
    case "backend-error":
      return (
        e.isNetworkError === true ||
        (e.responseCode !== null && e.responseCode >= 500) ||
        e.responseCode === 0 ||
        (e.reasonKind !== null && PATH_REASONS.has(e.reasonKind))
      );
    case "server-side-exception":
      return e.connectivity;
    case "nginx-error-page":
    case "raid-timeout":
      return true;
    case "backend-retry":
      // The reason is the diagnosis: a DNS, connect or TLS failure is worth a look at the first retry. Any other
      // first retry is routine; a second in a row is a pattern.
      return (e.reasonKind !== null && PATH_REASONS.has(e.reasonKind)) || e.retry >= 2;
    case "raid-disconnected":
      // reason 0 is the normal end of a raid in every sample seen; other codes are unverified (eft-facts, unknowns).
      return e.reason !== null && e.reason !== 0;
    case "websocket-error":
      return true;
    default:
      return false;
  }
}

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

const hhmmss = (e: GameLogEvent): string => e.at.slice(11, 19);
const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** "raid server 1.2.3.4:17000 (Customs, data centre SG-SIN01)". */
export function describeRaidServer(s: { ip: string; port: number | null; location: string | null; datacenter: string | null }): string {
  const where = [s.location, s.datacenter ? `data centre ${s.datacenter}` : null].filter(Boolean).join(", ");
  return `raid server ${s.ip}${s.port !== null ? `:${s.port}` : ""}${where ? ` (${where})` : ""}`;
}

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
      return `request to ${e.host} failed (${what}${e.result ? `, result ${e.result}` : ""}${e.reason ? `: ${e.reason}` : ""})`;
    }
    case "backend-retry":
      return `the game is retrying a request to ${e.host} (retry ${e.retry} of ${e.of}${e.reason ? `; ${e.reason}` : ""})`;
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
      return "matching cancelled";
    case "raid-assigned":
      return `${describeRaidServer(e)} assigned`;
    case "raid-started":
      return "raid started";
    case "raid-ended":
      return `raid ended (${e.marker})`;
    case "menu-return":
      return "back in the main menu";
    case "raid-connect":
      return `connecting to raid server ${e.address}`;
    case "raid-connected":
      return `connected to raid server${e.address ? ` ${e.address}` : ""}`;
    case "raid-disconnected":
      return `disconnected from raid server${e.address ? ` ${e.address}` : ""}${e.reason !== null ? ` (reason ${e.reason})` : ""}`;
    case "raid-timeout":
      return `raid connection${e.address ? ` to ${e.address}` : ""} timed out${e.afterMs !== null ? ` (no message for ${e.afterMs} ms)` : ""}`;
    case "raid-statistics": {
      const parts = [e.rtt !== null ? `RTT ${fmt(e.rtt)} ms` : null, e.lossPercent !== null ? `loss ${fmt(e.lossPercent)} %` : null].filter(Boolean);
      return `raid link${e.address ? ` ${e.address}` : ""} statistics: ${parts.join(", ") || "no figures"}`;
    }
    case "session-start":
      return `game session started${e.version ? ` (version ${e.version})` : ""}`;
  }
}

const REASON_CODES: Partial<Record<NetworkReasonKind, FailureCode>> = { dns: "DNS_ERROR", tls: "TLS_HANDSHAKE", timeout: "HTTP_TIMEOUT" };

function failureCode(e: GameLogEvent): FailureCode | undefined {
  if (e.kind === "nginx-error-page") return "HTTP_5XX";
  if ((e.kind === "backend-error" || e.kind === "backend-retry") && e.reasonKind !== null) {
    const byReason = REASON_CODES[e.reasonKind];
    if (byReason) return byReason;
  }
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
