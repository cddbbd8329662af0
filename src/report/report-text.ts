/**
 * Every player-facing string of the evidence report, summary.md and the two letters, in one place so the message
 * catalogue (English/Russian) can take them over in one move. Plain words; each function returns plain text (the
 * HTML renderer escapes it).
 */
import { headlineOf } from "../core/classify.js";
import type { FailureCode, PhaseName, VerdictId } from "../core/types.js";
import type { Ratio } from "./evidence-model.js";
import type { TraceReading } from "./path-trace.js";

const pad = (n: number): string => String(n).padStart(2, "0");

/** `+01:00` for the local offset at `t`. */
export function offsetOf(t: number): string {
  const off = -new Date(t).getTimezoneOffset();
  return `${off < 0 ? "-" : "+"}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
}

/** `2025-03-01 21:04` in local time. */
export function localTime(t: number, seconds = false): string {
  const d = new Date(t);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}${seconds ? `:${pad(d.getSeconds())}` : ""}`;
}

/** `2025-03-01 20:04 UTC`. */
export function utcTime(t: number): string {
  return `${new Date(t).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** Local time with its offset and the UTC equivalent: what a support desk in another time zone needs. */
export function bothTimes(t: number): string {
  return `${localTime(t)} (UTC${offsetOf(t)}) = ${utcTime(t)}`;
}

export function duration(ms: number | null): string {
  if (ms === null) return "still going";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${pad(m % 60)} min`;
}

/** `104.200.159.98:17001` (an IPv6 address in brackets before its port). */
export function raidServerAddress(s: { ip: string; port: number | null }): string {
  if (s.port === null) return s.ip;
  return s.ip.includes(":") ? `[${s.ip}]:${s.port}` : `${s.ip}:${s.port}`;
}

export const pct = (r: Ratio): string => (r.n === 0 ? "–" : `${((100 * r.failed) / r.n).toFixed(r.failed === 0 || r.failed === r.n ? 0 : 1)} %`);
export const ofTimes = (r: Ratio): string => `${r.failed} of ${r.n}`;

export const PHASE_WORDS: Record<PhaseName, string> = {
  dns: "name lookup (DNS)",
  tcp: "connection (TCP)",
  tls: "encryption (TLS)",
  http: "answer (HTTPS)",
};

const CODE_WORDS: Partial<Record<FailureCode, string>> = {
  DNS_NXDOMAIN: "name not found",
  DNS_NODATA: "no address for the name",
  DNS_SERVFAIL: "resolver failure",
  DNS_REFUSED: "resolver refused",
  DNS_TIMEOUT: "lookup timed out",
  DNS_ERROR: "lookup error",
  TCP_REFUSED: "connection refused",
  TCP_TIMEOUT: "no answer (timed out)",
  TCP_RESET: "connection reset",
  NET_UNREACHABLE: "no route",
  TLS_UNTRUSTED: "untrusted certificate",
  TLS_HOSTNAME_MISMATCH: "certificate for another name",
  TLS_EXPIRED: "expired certificate",
  TLS_HANDSHAKE: "encryption handshake failed",
  TLS_TIMEOUT: "encryption handshake timed out",
  HTTP_5XX: "server error (5xx)",
  HTTP_4XX: "refused the request (4xx, the server answered)",
  HTTP_TIMEOUT: "no answer in time",
  HTTP_PROTOCOL: "garbled answer",
  DEADLINE: "check cut short",
  PROBE_BROKEN: "the check itself failed (agent bug)",
};
export const codeWords = (c: FailureCode): string => CODE_WORDS[c] ?? c;

export const verdictWords = (v: VerdictId | null): string => (v === null ? "not monitored" : headlineOf(v));

export function resolverWords(resolver: string): string {
  return resolver === "os" ? "your provider's resolver (the one Windows uses)" : resolver;
}

/** "DNS failed 14 of 240 times through your provider's resolver, 0 of 240 through 1.1.1.1". */
export function resolverSentence(rows: { resolver: string; bsg: Ratio }[]): string {
  if (rows.length === 0) return "No name lookups were recorded in this period.";
  return `Looking up BSG's server names failed ${rows.map((r) => `${ofTimes(r.bsg)} times through ${resolverWords(r.resolver)}`).join(", ")}.`;
}

export const T = {
  title: "Tarkov connection evidence report",
  subtitle: (from: number, to: number) => `${bothTimes(from)} to ${bothTimes(to)}`,
  generated: (t: number, version: string) => `Made by tarkov-connection-agent ${version} on ${bothTimes(t)}.`,
  noData:
    "The agent has no measurements for this period. Keep it running (tray icon) while you play; the report fills in from the next 15-second check.",
  coverage: (rounds: number, connects: number, monitoredMs: number, windowMs: number) =>
    `Based on ${rounds.toLocaleString("en-US")} full checks and ${connects.toLocaleString("en-US")} quick connection tests; the agent was watching ${Math.round((100 * monitoredMs) / Math.max(1, windowMs))} % of this period.`,
  chartTitle: "Reachability and connection time",
  chartLegendBsg: "BSG servers reachable",
  chartLegendControl: "Other sites reachable (Cloudflare, Google, Microsoft)",
  chartLegendLatency: "Connection time to BSG (median, ms)",
  chartLegendIncident: "Incident (connection to BSG down)",
  chartLegendOff: "Agent not watching",
  chartAlt: (incidents: number) => `Chart of BSG and other sites' reachability and BSG connection time; ${incidents} incident(s) shaded.`,
  incidentsTitle: "Incidents",
  noIncidents: "No incidents in this period: every drop the agent saw recovered before it could be confirmed (3 failed checks in a row).",
  incidentHead: ["Start (local)", "Start (UTC)", "End (local)", "Duration", "Cause", "Checks failed", "Connects failed", "Other sites failed"],
  failuresTitle: "Failures by server and step",
  failuresIntro: "Each check goes step by step: name lookup, connection, encryption, answer. A step is only tried when the one before it worked.",
  failuresHead: ["Server", "Address and port", "Lookup (DNS)", "Connection (TCP)", "Encryption (TLS)", "Answer (HTTPS)", "Most common failure"],
  resolversTitle: "Name lookups: your provider's resolver compared with public ones",
  latencyTitle: "Connection loss and time (quick connection tests to BSG)",
  latencyHead: ["Server", "Address", "Tests", "Lost", "Loss", "Median", "95th percentile", "99th percentile", "Worst"],
  samplesCaveat: (n: number, bar: number) =>
    n >= bar
      ? `${n.toLocaleString("en-US")} samples: enough for an ISP to take seriously (they usually ask for at least ${bar}, about an evening of play).`
      : `Only ${n.toLocaleString("en-US")} samples so far. ISPs usually ask for at least ${bar} (about an evening with the agent running) before they act on loss or latency figures.`,
  raidTitle: "Raid servers the game used",
  raidIntro: "From the game's own logs. BSG support needs the address and data centre of the raid that failed; a path trace during an incident goes to the newest one.",
  raidHead: ["When (local)", "When (UTC)", "Address and port", "Data centre", "Map", "Named in"],
  noRaid: "The game's logs in this period name no raid server (no online raid, or the game's logs were not found).",
  raidSource: (source: string) =>
    ({ application: "the game's application log", traces: "the game's traces log", "push-notifications": "the game's notifications", "network-connection": "the game's connection log" })[source] ?? source,
  tracesTitle: "Path traces taken during incidents",
  noTraces: "No path trace was taken during an incident in this period.",
  traceHead: ["Hop", "Address", "Loss", "Round trip"],
  traceCaption: (target: string, why: string, t: number, tool: string | null) => `To ${target} (${why}), ${bothTimes(t)}${tool ? `, with ${tool}` : ""}.`,
  traceRule: "How to read it: loss at a hop in the middle matters only when it carries through to the destination. Routers answer traces at low priority, so a middle hop that drops probes while later hops answer is a busy router, not a fault.",
  traceReading(r: TraceReading): string {
    switch (r.kind) {
      case "clean":
        return `The destination answered at hop ${r.destinationHop} with no loss on the way.`;
      case "harmless-loss":
        return `Hops ${r.hops.join(", ")} dropped some probes, but the destination (hop ${r.destinationHop}) answered every one: that is router rate limiting, not a fault on the path.`;
      case "loss-to-destination":
        return `Loss starts at hop ${r.fromHop}${r.fromIp ? ` (${r.fromIp})` : ""} and carries through to the destination (${r.lossPct} % there): this is where the path loses traffic.`;
      case "stops":
        return r.lastIp === null
          ? "No hop answered at all: traffic does not get past your own network."
          : `The destination never answered; the last address that did was ${r.lastIp} (hop ${r.lastHop}). Traffic is lost after it.`;
      case "empty":
        return "The trace gave no hops.";
    }
  },
  fixesTitle: "Fixes applied",
  noFixes: "The agent applied no fixes in this period.",
  fixesHead: ["When (local)", "Fix", "Approved by", "Outcome", "Message"],
  ispTitle: "Letter to your internet provider",
  bsgTitle: "Text for a BSG support ticket",
  copyHint: "Select the text and copy it into your e-mail or ticket. It contains no personal data beyond what is shown here.",
  maintenanceTitle: "BSG maintenance announced",
  footer: "Times are shown in this computer's time zone and in UTC. The agent checks BSG's servers every 15 s and makes one quick connection test every 2 s.",
};

export interface LetterFacts {
  from: number;
  to: number;
  incidents: { start: number; end: number | null; durationMs: number | null; verdicts: VerdictId[] }[];
  /** BSG host:port pairs that failed, with the step and counts. */
  failedPairs: { hostPort: string; addresses: string[]; phase: PhaseName; code: FailureCode | null; failed: number; n: number; first: number | null; last: number | null }[];
  controls: Ratio;
  resolvers: { resolver: string; bsg: Ratio }[];
  liveness: { n: number; lost: number; lossPct: number; p50: number | null; p95: number | null };
  trace: { target: string; reading: string; t: number } | null;
  gatewayFine: boolean;
  raidServer: { address: string; datacenter: string | null; location: string | null; at: number } | null;
  gameErrors: string[];
  gameVersion: string | null;
  statusPageDown: boolean;
}

const list = (xs: string[]): string => xs.map((x) => `- ${x}`).join("\n");

/** The letter for the ISP: what fails, where, when, how often, and what was ruled out. No raid server ids. */
export function ispLetter(f: LetterFacts): string {
  const tz = `UTC${offsetOf(f.to)}`;
  const failed = f.failedPairs.filter((p) => p.failed > 0);
  const lines = [
    "Hello,",
    "",
    `I have a recurring connection problem reaching the servers of the game Escape from Tarkov (Battlestate Games) from my connection. A monitoring tool on my PC recorded it between ${localTime(f.from)} and ${localTime(f.to)} (${tz}).`,
    "",
    failed.length === 0
      ? "In this period the game's servers failed too rarely to show a pattern; the measurements are below."
      : "What failed (address and port, the step that failed, how often):",
    ...(failed.length === 0
      ? []
      : [
          list(
            failed.map(
              (p) =>
                `${p.hostPort}${p.addresses.length ? ` (${p.addresses.join(", ")})` : ""}: ${PHASE_WORDS[p.phase]} failed ${ofTimes(p)} checks${p.code ? `, mostly "${codeWords(p.code)}"` : ""}${p.first !== null && p.last !== null ? `, between ${localTime(p.first)} and ${localTime(p.last)}` : ""}`,
            ),
          ),
        ]),
    "",
    f.incidents.length === 0
      ? "No outage lasted long enough to be confirmed (three failed checks in a row)."
      : `Confirmed outages (${tz}):\n${list(f.incidents.map((i) => `${localTime(i.start)} to ${i.end === null ? "ongoing" : localTime(i.end)} (${duration(i.durationMs)}): ${i.verdicts.map(verdictWords).join(", then ")}`))}`,
    "",
    `At the same moments, other sites (Cloudflare, Google, Microsoft) failed ${ofTimes(f.controls)} checks, and my router answered${f.gatewayFine ? "" : " (not always)"}: my own line and home network were working.`,
    f.liveness.n > 0
      ? `Quick connection tests to the game's servers: ${f.liveness.n} tests, ${f.liveness.lost} lost (${f.liveness.lossPct.toFixed(1)} %), median ${f.liveness.p50 ?? "–"} ms, 95th percentile ${f.liveness.p95 ?? "–"} ms.`
      : "",
    resolverSentence(f.resolvers),
    f.statusPageDown ? "" : "The game's own status page did not report an outage at these times.",
    f.trace ? `A path trace to ${f.trace.target} taken during an outage (${bothTimes(f.trace.t)}): ${f.trace.reading}` : "",
    "",
    "Could you please check the routing from my connection to these addresses? The full report with the raw measurements is attached.",
    "",
    "Thank you.",
  ];
  return lines.filter((l, i, all) => !(l === "" && all[i - 1] === "")).join("\n");
}

/** The text for BSG support: the game's own errors, raid server, version, and what was ruled out on the player's side. */
export function bsgTicket(f: LetterFacts): string {
  const tz = `UTC${offsetOf(f.to)}`;
  const lines = [
    "Hello,",
    "",
    `I keep losing the connection to Escape from Tarkov. Times below are ${tz}.`,
    "",
    f.incidents.length === 0
      ? "A connection monitor on my PC confirmed no outage in this period; the game's errors are below."
      : `A connection monitor on my PC confirmed these outages:\n${list(f.incidents.map((i) => `${localTime(i.start)} (${utcTime(i.start)}), ${duration(i.durationMs)}: ${i.verdicts.map(verdictWords).join(", then ")}`))}`,
    "",
    f.gameErrors.length === 0 ? "The game's logs in this bundle show no backend errors." : `The game's own error lines:\n${list(f.gameErrors)}`,
    f.raidServer
      ? `Raid server: ${f.raidServer.address}${f.raidServer.datacenter ? `, data centre ${f.raidServer.datacenter}` : ""}${f.raidServer.location ? `, map ${f.raidServer.location}` : ""} (named by the game at ${localTime(f.raidServer.at)}, ${utcTime(f.raidServer.at)}).`
      : "",
    f.gameVersion ? `Game version: ${f.gameVersion}.` : "",
    "",
    `Ruled out on my side: other sites worked at the same moments (they failed ${ofTimes(f.controls)} checks)${f.gatewayFine ? ", my router answered" : ""}. ${resolverSentence(f.resolvers)}`,
    f.failedPairs.some((p) => p.failed > 0)
      ? `Servers that failed from my connection: ${f.failedPairs.filter((p) => p.failed > 0).map((p) => `${p.hostPort} (${PHASE_WORDS[p.phase]}, ${ofTimes(p)})`).join("; ")}.`
      : "",
    "",
    "The support bundle with the game's logs (redacted) and the full report is attached.",
    "",
    "Thank you.",
  ];
  return lines.filter((l, i, all) => !(l === "" && all[i - 1] === "")).join("\n");
}
