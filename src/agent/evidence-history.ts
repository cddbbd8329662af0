/**
 * Evidence history: a compact, append-only record of what the monitor measured, for the evidence report and the
 * support bundle. One JSON object per line in `<dataDir>/history/evidence-YYYY-MM-DD.jsonl` (UTC day of the record).
 *
 * What goes in (short keys: a week at default settings is ~340,000 lines):
 * - `round`  every probe round as measured: per target the phase reached, the failure code, the phase timings, the
 *            resolvers' outcomes (system vs public) and, for BSG hosts, the address connected to; gateway and
 *            status-page state; the verdict it led to.
 * - `live`   every liveness connect: target, address:port, time taken, failure code.
 * - `event`  every confirmed change (down / cause changed / up / maintenance / reminder) with its evidence.
 * - `agent`  monitoring started, stopped, paused, resumed, or lost time to sleep or a network change (so the report
 *            can tell "no data" from "no problem").
 * - `trace`  a path trace taken during an incident.
 * Fixes are not repeated here: the fix journal (journal.json) already records each change with its outcome, and the
 * report reads it from there.
 *
 * Size bound (enforced): one day's file stops taking samples (`round`, `live`) at {@link DAY_CAP_BYTES}, and says
 * so once with a `cap` record; rare records (events, traces, lifecycle) still go in. Files older than
 * {@link KEEP_DAYS} days are deleted, and the oldest days also go while the folder exceeds {@link TOTAL_CAP_BYTES}.
 * Why that is enough: at defaults (a round every 15 s, a connect every 2 s, the 9 catalogue targets) a day measures
 * about 6.5 MB (5,760 rounds of ~0.7 kB + 43,200 connects of ~60 B), so a week is ~45 MB and 14 days ~90 MB,
 * well under the 128 MB total; the day cap of 24 MB leaves room for 3× the targets or a 1 s liveness interval.
 *
 * Crash safety, like incidents.jsonl: whole lines are appended; events, traces and lifecycle records are
 * fsynced, samples are not (a process kill loses nothing the OS already has; a power cut can lose the last seconds
 * of samples). A torn last line (crash or full disk mid-write) is skipped by the reader, and the next write starts on
 * a fresh line, so it costs that one record, never the file. Nothing here throws into the monitor.
 */
import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync, readSync, statSync, unlinkSync, writeSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { StringDecoder } from "node:string_decoder";
import type { Diagnosis, Evidence, FailureCode, GatewayState, PhaseName, RoundResult, StatusApiState, TargetResult, VerdictId } from "../core/types.js";
import type { AgentEvent } from "./events.js";
import type { LivenessResult, LivenessTarget } from "./liveness.js";
import type { MonitorHistory, RoundKind } from "./monitor-types.js";

export const HISTORY_DIR = "history";
export const KEEP_DAYS = 14;
export const DAY_CAP_BYTES = 24 * 1024 * 1024;
export const TOTAL_CAP_BYTES = 128 * 1024 * 1024;
const LIVE_LINE = /^\{"t":(\d{1,15}),"k":"live","tg":"([a-z0-9._-]+)","ms":(\d{1,9})(?:,"c":"([A-Z0-9_]+)")?\}$/;
const FILE_RE = /^evidence-(\d{4}-\d{2}-\d{2})\.jsonl$/;
const DAY_MS = 86_400_000;
/** Evidence lines kept with a down/verdict event. */
const EVENT_EVIDENCE_CAP = 12;
const TEXT_CAP = 300;

// ---- record shapes (the file format) --------------------------------------------------------------------------

/** One target in a round: phase reached, failure code, timings [dns, tcp, tls, http] (null = not run). */
export interface TargetSample {
  id: string;
  /** "b" = BSG, "c" = control. */
  g: "b" | "c";
  /** `host:port` (BSG targets: what an ISP needs to look at). */
  h?: string;
  /** The last phase that ran (the failing one when `c` is set). */
  p: PhaseName;
  c?: FailureCode;
  ms: (number | null)[];
  /** Per resolver (round's `rs` order): null = answered, else the failure code. Omitted when all answered. */
  r?: (FailureCode | null)[];
  /** Address connected to (BSG targets). */
  a?: string;
  /** The probe itself broke: missing evidence. */
  x?: 1;
}

export type HistoryRecord =
  | { t: number; k: "round"; kind: RoundKind; d: number; v: VerdictId; rs: string[]; gw: GatewayState; st: StatusApiState; dl?: 1; tg: TargetSample[] }
  /**
   * A round in which every target passed every step (the usual case): only the connect time per target, in the
   * order of target set `s` (a `set` record earlier in the same file). Readers get it expanded into a `round`.
   */
  | { t: number; k: "ok"; kind: RoundKind; d: number; v: VerdictId; rs: string[]; gw: GatewayState; st: StatusApiState; s: number; ms: (number | null)[] }
  /** The targets (and BSG addresses) that `ok` rounds refer to; written when they change and at the top of each file. */
  | { t: number; k: "set"; id: number; tg: { id: string; g: "b" | "c"; p: PhaseName; h?: string; a?: string }[] }
  /** A liveness connect to the address the last round resolved for target `tg`. */
  | { t: number; k: "live"; tg: string; ms: number; c?: FailureCode }
  | {
      t: number;
      k: "event";
      e: AgentEvent["event"];
      v: VerdictId;
      inc: string | null;
      prev?: VerdictId;
      since?: number;
      dur?: number;
      h?: string;
      msg?: string;
      ev?: Evidence[];
    }
  | { t: number; k: "agent"; op: "start" | "stop" | "pause" | "resume" | "gap"; reason?: string; gap?: number }
  | { t: number; k: "trace"; inc: string | null; target: string; why: string; tool: string | null; ok: boolean; msg: string; hops: TraceHopRecord[] }
  | { t: number; k: "cap"; bytes: number };

/** A hop of a stored path trace: its address (null = no answer), loss percent, round-trip median. */
export interface TraceHopRecord {
  n: number;
  ip: string | null;
  loss: number | null;
  rtt: number | null;
}

const lastPhase = (t: TargetResult): PhaseName => {
  const order: PhaseName[] = ["http", "tls", "tcp", "dns"];
  return order.find((p) => t.phases[p].status !== "skipped") ?? "dns";
};

const clip = (s: string): string => (s.length > TEXT_CAP ? `${s.slice(0, TEXT_CAP - 1)}…` : s);

/** The compact form of one measured target. */
export function targetSample(t: TargetResult, resolvers: string[]): TargetSample {
  const p = lastPhase(t);
  const phase = t.phases[p];
  const s: TargetSample = {
    id: t.id,
    g: t.group === "bsg" ? "b" : "c",
    p,
    ms: (["dns", "tcp", "tls", "http"] as const).map((n) => {
      const r = t.phases[n];
      return r.status === "skipped" ? null : Math.round(r.ms);
    }),
  };
  if (phase.status === "fail") s.c = phase.code;
  const r = resolvers.map((name) => {
    const a = t.dns.find((d) => d.resolver === name);
    return a === undefined || a.result.status !== "fail" ? null : a.result.code;
  });
  if (r.some((x) => x !== null)) s.r = r;
  if (t.group === "bsg") {
    s.h = `${t.host}:${t.port}`;
    if (t.address !== null) s.a = t.address;
  }
  if (t.broken !== null) s.x = 1;
  return s;
}

/** True when every target of the round passed every step it has and the probe was not cut short. */
function allPassed(r: Extract<HistoryRecord, { k: "round" }>): boolean {
  return r.dl === undefined && r.tg.every((t) => t.c === undefined && t.r === undefined && t.x === undefined);
}

/** The compact form of a measured round. */
export function roundRecord(kind: RoundKind, startedAt: number, round: RoundResult, verdict: VerdictId): HistoryRecord {
  const rs = [...new Set(round.targets.flatMap((t) => t.dns.map((d) => d.resolver)))];
  return {
    t: startedAt,
    k: "round",
    kind,
    d: Math.round(round.durationMs),
    v: verdict,
    rs,
    gw: round.gateway.state,
    st: round.statusApi.state,
    ...(round.deadlineHit ? { dl: 1 as const } : {}),
    tg: round.targets.map((t) => targetSample(t, rs)),
  };
}

// ---- writer --------------------------------------------------------------------------------------------------

export interface HistoryLogger {
  warn(msg: string, fields?: Record<string, unknown>): void;
}

export interface EvidenceHistoryOptions {
  dataDir: string;
  now?: () => number;
  logger?: HistoryLogger;
  dayCapBytes?: number;
  totalCapBytes?: number;
  keepDays?: number;
}

/** The writer: the monitor's {@link MonitorHistory} plus the agent's path traces. */
export interface EvidenceHistory extends MonitorHistory {
  trace(r: Omit<Extract<HistoryRecord, { k: "trace" }>, "t" | "k">, at?: number): void;
  /** Writes any record (tests, tools). */
  append(r: HistoryRecord): void;
  close(): void;
}

export const historyDir = (dataDir: string): string => join(dataDir, HISTORY_DIR);
export const dayOf = (t: number): string => new Date(t).toISOString().slice(0, 10);
export const fileForDay = (day: string): string => `evidence-${day}.jsonl`;

/** Opens the evidence history in `dataDir` for appending. Never throws. */
export function createEvidenceHistory(opts: EvidenceHistoryOptions): EvidenceHistory {
  const dir = historyDir(opts.dataDir);
  const now = opts.now ?? Date.now;
  const dayCap = opts.dayCapBytes ?? DAY_CAP_BYTES;
  const totalCap = opts.totalCapBytes ?? TOTAL_CAP_BYTES;
  const keepDays = opts.keepDays ?? KEEP_DAYS;
  let fd: number | null = null;
  let day: string | null = null;
  let size = 0;
  let capped = false;
  /** After a failed write the file may end mid-line: start the next record on a fresh line. */
  let needNewline = false;
  let failingUntil = 0;
  let warned = false;
  /** Target set of the current file: its id and the key it was written under. */
  let set: { id: number; key: string } | null = null;

  const warn = (msg: string, e: unknown) => {
    if (warned) return;
    warned = true;
    opts.logger?.warn(msg, { error: e instanceof Error ? e.message : String(e), dir });
  };

  function closeFd(): void {
    if (fd === null) return;
    try {
      closeSync(fd);
    } catch {
      // already gone
    }
    fd = null;
  }

  function openDay(d: string): void {
    closeFd();
    mkdirSync(dir, { recursive: true });
    const path = join(dir, fileForDay(d));
    fd = openSync(path, "a+");
    size = fstatSync(fd).size;
    day = d;
    capped = false;
    set = null; // every file carries its own set records, so one file reads on its own
    needNewline = false;
    if (size > 0) {
      const last = Buffer.alloc(1);
      needNewline = readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a;
    }
    prune(d);
  }

  /** Deletes days past retention, then the oldest while the folder is over the total cap. Today stays. */
  function prune(today: string): void {
    try {
      const cutoff = dayOf(Date.parse(`${today}T00:00:00Z`) - (keepDays - 1) * DAY_MS);
      const files = readdirSync(dir)
        .map((name) => ({ name, day: FILE_RE.exec(name)?.[1] ?? null }))
        .filter((f): f is { name: string; day: string } => f.day !== null)
        .sort((a, b) => a.day.localeCompare(b.day));
      let total = 0;
      const sized = files.map((f) => {
        let bytes = 0;
        try {
          bytes = statSync(join(dir, f.name)).size;
        } catch {
          // vanished
        }
        total += bytes;
        return { ...f, bytes };
      });
      for (const f of sized) {
        if (f.day === today) continue;
        if (f.day < cutoff || total > totalCap) {
          unlinkSync(join(dir, f.name));
          total -= f.bytes;
        }
      }
    } catch (e) {
      warn("evidence history: pruning failed", e);
    }
  }

  function write(r: HistoryRecord, durable: boolean): void {
    const t = now();
    if (t < failingUntil) return;
    try {
      const d = dayOf(r.t);
      // Late samples from before midnight go to the current file rather than reopening yesterday's.
      if (fd === null || (day !== null && d > day)) openDay(d);
      const isSample = r.k === "round" || r.k === "live" || r.k === "ok" || r.k === "set";
      if (isSample && capped) return;
      let line = JSON.stringify(r) + "\n";
      if (isSample && size + line.length > dayCap) {
        capped = true;
        line = JSON.stringify({ t: r.t, k: "cap", bytes: size } satisfies HistoryRecord) + "\n";
      }
      if (needNewline) line = "\n" + line;
      const buf = Buffer.from(line, "utf8");
      needNewline = true;
      writeSync(fd!, buf);
      needNewline = false;
      size += buf.length;
      if (durable) fsyncSync(fd!);
    } catch (e) {
      warn("evidence history: write failed; samples are skipped for a minute", e);
      closeFd();
      failingUntil = t + 60_000;
    }
  }

  /** A round, compacted to an `ok` record (plus a `set` when the targets changed) when everything passed. */
  function writeRound(full: HistoryRecord): void {
    if (full.k !== "round" || !allPassed(full)) return write(full, false);
    const startedAt = full.t;
    const tg = full.tg.map((x) => ({ id: x.id, g: x.g, p: x.p, ...(x.h ? { h: x.h } : {}), ...(x.a ? { a: x.a } : {}) }));
    const key = JSON.stringify(tg);
    const rotates = fd === null || (day !== null && dayOf(startedAt) > day);
    if (rotates || set === null || set.key !== key) {
      const id = rotates || set === null ? 1 : set.id + 1;
      // Written first, so the set lands in the file (opened or rotated to here) that its rounds go to.
      write({ t: startedAt, k: "set", id, tg }, false);
      if (fd === null || capped) return;
      set = { id, key };
    }
    const { tg: _tg, ...head } = full;
    write({ ...head, k: "ok", s: set.id, ms: full.tg.map((x) => x.ms[1] ?? null) }, false);
  }

  const iso = (s: string): number => Date.parse(s);
  return {
    round(kind, startedAt, round, verdict) {
      writeRound(roundRecord(kind, startedAt, round, verdict));
    },
    liveness(target: LivenessTarget, res: LivenessResult, startedAt: number) {
      write({ t: startedAt, k: "live", tg: target.targetId, ms: Math.round(res.ms), ...(res.ok ? {} : { c: res.code }) }, false);
    },
    event(e: AgentEvent, d: Diagnosis | null) {
      const base = { t: iso(e.at), k: "event" as const, e: e.event, v: e.verdict, inc: e.incidentId };
      switch (e.event) {
        case "down":
          write({ ...base, since: iso(e.since), h: e.headline, ...(d ? { ev: d.evidence.slice(0, EVENT_EVIDENCE_CAP).map((x) => ({ ...x, text: clip(x.text) })) } : {}) }, true);
          break;
        case "verdict":
          write({ ...base, prev: e.previousVerdict, h: e.headline, ...(d ? { ev: d.evidence.slice(0, EVENT_EVIDENCE_CAP).map((x) => ({ ...x, text: clip(x.text) })) } : {}) }, true);
          break;
        case "up":
          write({ ...base, prev: e.previousVerdict, since: iso(e.since), dur: e.durationMs }, true);
          break;
        case "maintenance":
          write({ ...base, msg: clip(e.message) }, true);
          break;
        case "reminder":
          write({ ...base, dur: e.durationMs }, true);
          break;
      }
    },
    lifecycle(op, at, detail) {
      write({ t: at, k: "agent", op, ...(detail?.reason ? { reason: detail.reason } : {}), ...(detail?.gapMs !== undefined ? { gap: Math.round(detail.gapMs) } : {}) }, true);
    },
    trace(r, at = now()) {
      write({ t: at, k: "trace", ...r, msg: clip(r.msg) }, true);
    },
    append(r) {
      if (r.k === "round") return writeRound(r);
      write(r, r.k !== "live" && r.k !== "ok" && r.k !== "set");
    },
    close: closeFd,
  };
}

// ---- reader --------------------------------------------------------------------------------------------------

/**
 * An all-passed round as {@link readHistory} gives it with `compactRounds`: the target set shared between rounds
 * (read-only), the connect time per target in `ms`. A week holds ~40,000 of them; expanding each into nine target
 * objects was a third of the report's time.
 */
export interface CompactRound {
  t: number;
  k: "ok-round";
  kind: RoundKind;
  d: number;
  v: VerdictId;
  rs: string[];
  gw: GatewayState;
  st: StatusApiState;
  set: readonly Readonly<Extract<HistoryRecord, { k: "set" }>["tg"][number]>[];
  ms: readonly (number | null)[];
}

export interface HistoryReadStats {
  files: string[];
  records: number;
  /** Lines that were not a record (torn by a crash, hand edits): skipped, counted. */
  skippedLines: number;
  /** Days whose file hit the day cap (samples after that moment are missing). */
  cappedDays: string[];
}

/**
 * Streams every record with `from ≤ t < to` to `visit`, oldest file first, without holding the history in memory.
 * Never throws on bad data: unreadable files and torn lines are counted in the stats.
 */
export async function readHistory(dataDir: string, from: number, to: number, visit: (r: HistoryRecord) => void): Promise<HistoryReadStats>;
export async function readHistory(dataDir: string, from: number, to: number, visit: (r: HistoryRecord | CompactRound) => void, opts: { compactRounds: true }): Promise<HistoryReadStats>;
export async function readHistory(dataDir: string, from: number, to: number, visitor: (r: never) => void, opts: { compactRounds?: boolean } = {}): Promise<HistoryReadStats> {
  // Callers without `compactRounds` never get a CompactRound (the overloads above say which they get).
  const visit = visitor as (r: HistoryRecord | CompactRound) => void;
  const dir = historyDir(dataDir);
  const stats: HistoryReadStats = { files: [], records: 0, skippedLines: 0, cappedDays: [] };
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return stats;
  }
  const safeDay = (t: number): string => dayOf(Math.min(Math.max(t, 0), Date.UTC(9999, 11, 31)));
  const fromDay = safeDay(from - DAY_MS);
  const toDay = safeDay(to + DAY_MS);
  const days = names
    .map((n) => FILE_RE.exec(n)?.[1] ?? null)
    .filter((d): d is string => d !== null && d >= fromDay && d <= toDay)
    .sort();
  for (const d of days) {
    const name = fileForDay(d);
    stats.files.push(name);
    const sets = new Map<number, Extract<HistoryRecord, { k: "set" }>["tg"]>();
    await readFileLines(join(dir, name), (line) => {
      if (line === "") return;
      let r: HistoryRecord;
      // Nine lines in ten are liveness connects written by this module in one fixed shape: read those without
      // JSON.parse (a week is ~300,000 of them); anything else, or any surprise, takes the general path.
      const live = LIVE_LINE.exec(line);
      if (live !== null) {
        const t = Number(live[1]);
        if (t < from || t >= to) return;
        stats.records++;
        visit(live[4] === undefined ? { t, k: "live", tg: live[2]!, ms: Number(live[3]) } : { t, k: "live", tg: live[2]!, ms: Number(live[3]), c: live[4] as FailureCode });
        return;
      }
      try {
        r = JSON.parse(line) as HistoryRecord;
      } catch {
        stats.skippedLines++;
        return;
      }
      if (typeof r !== "object" || r === null || typeof r.t !== "number" || typeof r.k !== "string") {
        stats.skippedLines++;
        return;
      }
      if (r.k === "cap" && !stats.cappedDays.includes(d)) stats.cappedDays.push(d);
      if (r.k === "set") {
        sets.set(r.id, r.tg);
        return;
      }
      if (r.t < from || r.t >= to) return;
      if (r.k === "ok") {
        const tg = sets.get(r.s);
        if (tg === undefined || tg.length !== r.ms.length) {
          stats.skippedLines++; // its set was lost (torn line, hand edit)
          return;
        }
        const { s: _s, ms, ...head } = r;
        stats.records++;
        if (opts.compactRounds === true) visit({ ...head, k: "ok-round", set: tg, ms });
        else visit({ ...head, k: "round", tg: tg.map((x, i) => ({ ...x, ms: [null, ms[i] ?? null, null, null] })) });
        return;
      }
      stats.records++;
      visit(r);
    }).catch(() => {
      stats.skippedLines++;
    });
  }
  return stats;
}

/**
 * Calls `onLine` for each line of a file, read in 64 kB pieces: small enough that the text stays out of V8's
 * large-object space, so each piece's lines die young (1 MB pieces cost ~15 % more time in garbage collection).
 */
async function readFileLines(path: string, onLine: (line: string) => void): Promise<void> {
  const fh = await open(path, "r");
  try {
    const decoder = new StringDecoder("utf8");
    const buf = Buffer.alloc(64 * 1024);
    let rest = "";
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      const text = rest + decoder.write(buf.subarray(0, bytesRead));
      let start = 0;
      for (let nl = text.indexOf("\n", start); nl !== -1; nl = text.indexOf("\n", start)) {
        onLine(text.slice(start, nl));
        start = nl + 1;
      }
      rest = text.slice(start);
    }
    rest += decoder.end();
    if (rest !== "") onLine(rest);
  } finally {
    await fh.close();
  }
}
