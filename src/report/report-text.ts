/**
 * The evidence report's words, summary.md's and the two letters'. The report's headings, table heads and the words
 * for steps and failure codes come from the message catalogue (src/core/i18n/report.ts, English and Russian):
 * `reportWords(messages(locale))` is the report in one language, `T` the English one. Times are written here
 * ("local (UTC+1) = UTC", which a support desk in another zone needs). The letters to the ISP and to BSG support
 * below are still English only. Each function returns plain text (the HTML renderer escapes it).
 */
import { EN, type Messages } from "../core/i18n/index.js";
import { duration as formatDuration } from "../core/i18n/format.js";
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

/** "46 s", "3 min", "1 h 12 min": the one way durations read everywhere (format.ts); "still going" when open. */
export function duration(ms: number | null, m: Messages = EN): string {
  return ms === null ? m.report.stillGoing : formatDuration(ms, m.locale);
}

/** `104.200.159.98:17001` (an IPv6 address in brackets before its port). */
export function raidServerAddress(s: { ip: string; port: number | null }): string {
  if (s.port === null) return s.ip;
  return s.ip.includes(":") ? `[${s.ip}]:${s.port}` : `${s.ip}:${s.port}`;
}

export const pct = (r: Ratio): string => (r.n === 0 ? "–" : `${((100 * r.failed) / r.n).toFixed(r.failed === 0 || r.failed === r.n ? 0 : 1)} %`);
export const ofTimes = (r: Ratio): string => `${r.failed} of ${r.n}`;

export const PHASE_WORDS: Record<PhaseName, string> = EN.report.phase;

const codeIn = (m: Messages) => (c: FailureCode): string => m.report.code[c] ?? c;
/** A verdict's one name (the catalogue's, as in toasts, the tray and `diagnose`). */
const verdictIn = (m: Messages) => (v: VerdictId | null): string => (v === null ? m.report.notMonitored : m.verdicts.name[v]);
const resolverIn = (m: Messages) => (resolver: string): string => (resolver === "os" ? m.report.osResolver : resolver);
/** "Looking up BSG's server names failed 14 of 240 times through your provider's resolver, 0 of 240 times through 1.1.1.1." */
const resolverSentenceIn = (m: Messages) => (rows: { resolver: string; bsg: Ratio }[]): string => {
  const r = m.report;
  if (rows.length === 0) return r.noLookups;
  return r.lookupsFailed(rows.map((row) => r.lookupPart(row.bsg.failed, row.bsg.n, resolverIn(m)(row.resolver))).join(", "));
};

export const codeWords = codeIn(EN);
export const verdictWords = verdictIn(EN);
export const resolverWords = resolverIn(EN);
export const resolverSentence = resolverSentenceIn(EN);

/** The report's words in one language, with times written the report's way. */
export function reportWords(m: Messages) {
  const r = m.report;
  return {
    ...r,
    codeWords: codeIn(m),
    verdictWords: verdictIn(m),
    resolverWords: resolverIn(m),
    resolverSentence: resolverSentenceIn(m),
    duration: (ms: number | null) => duration(ms, m),
    subtitle: (from: number, to: number) => r.subtitle(bothTimes(from), bothTimes(to)),
    generated: (t: number, version: string) => r.generated(bothTimes(t), version),
    coverage: (rounds: number, connects: number, monitoredMs: number, windowMs: number) =>
      r.coverage(rounds, connects, Math.round((100 * monitoredMs) / Math.max(1, windowMs))),
    samplesCaveat: (n: number, bar: number) => (n >= bar ? r.samplesEnough(n, bar) : r.samplesFew(n, bar)),
    traceCaption: (target: string, why: string, t: number, tool: string | null) => r.traceCaption(target, why, bothTimes(t), tool),
    traceReading(reading: TraceReading): string {
      switch (reading.kind) {
        case "clean":
          return r.traceClean(reading.destinationHop);
        case "harmless-loss":
          return r.traceHarmless(reading.hops.join(", "), reading.destinationHop);
        case "loss-to-destination":
          return r.traceLoss(reading.fromHop, reading.fromIp, reading.lossPct);
        case "stops":
          return reading.lastIp === null ? r.traceNoHop : r.traceStops(reading.lastIp, reading.lastHop);
        case "empty":
          return r.traceEmpty;
      }
    },
  };
}

/** The report in English (the default until the report takes a language). */
export const T = reportWords(EN);

export interface LetterFacts {
  from: number;
  to: number;
  incidents: { start: number; end: number | null; durationMs: number | null; verdicts: VerdictId[] }[];
  /** BSG host:port pairs that failed, with the step and counts. */
  failedPairs: { hostPort: string; addresses: string[]; phase: PhaseName; code: FailureCode | null; failed: number; n: number; first: number | null; last: number | null }[];
  controls: Ratio;
  resolvers: { resolver: string; bsg: Ratio }[];
  liveness: { n: number; lost: number; lossPct: number; p50: number | null; p95: number | null };
  /** `reading` in English (summary.md); `read`: the same reading, for a letter in the player's language. */
  trace: { target: string; reading: string; read: TraceReading; t: number } | null;
  gatewayFine: boolean;
  raidServer: { address: string; datacenter: string | null; location: string | null; at: number } | null;
  gameErrors: string[];
  gameVersion: string | null;
  statusPageDown: boolean;
}

const list = (xs: string[]): string => xs.map((x) => `- ${x}`).join("\n");

/** The letter for the ISP: what fails, where, when, how often, and what was ruled out. No raid server ids. */
export function ispLetter(f: LetterFacts, m: Messages = EN): string {
  const w = reportWords(m);
  const L = m.report.isp;
  const tz = `UTC${offsetOf(f.to)}`;
  const failed = f.failedPairs.filter((p) => p.failed > 0);
  const lines = [
    L.hello,
    "",
    L.intro(localTime(f.from), localTime(f.to), tz),
    "",
    failed.length === 0 ? L.tooFew : L.whatFailed,
    ...(failed.length === 0
      ? []
      : [
          list(
            failed.map((p) =>
              L.failedPair(
                p.hostPort,
                p.addresses.join(", "),
                m.report.phase[p.phase],
                w.ofTimes(p.failed, p.n),
                p.code ? w.codeWords(p.code) : null,
                p.first !== null && p.last !== null ? L.between(localTime(p.first), localTime(p.last)) : null,
              ),
            ),
          ),
        ]),
    "",
    f.incidents.length === 0
      ? L.noOutage
      : `${L.outages(tz)}\n${list(f.incidents.map((i) => L.outage(localTime(i.start), i.end === null ? L.ongoing : localTime(i.end), w.duration(i.durationMs), i.verdicts.map(w.verdictWords).join(L.then))))}`,
    "",
    L.controls(w.ofTimes(f.controls.failed, f.controls.n), f.gatewayFine),
    f.liveness.n > 0 ? L.liveness(f.liveness.n, f.liveness.lost, f.liveness.lossPct.toFixed(1), String(f.liveness.p50 ?? "–"), String(f.liveness.p95 ?? "–")) : "",
    w.resolverSentence(f.resolvers),
    f.statusPageDown ? "" : L.statusGreen,
    f.trace ? L.trace(f.trace.target, bothTimes(f.trace.t), w.traceReading(f.trace.read)) : "",
    "",
    L.ask,
    "",
    L.thanks,
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
