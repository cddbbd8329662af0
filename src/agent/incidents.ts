/**
 * Incident history for `tarkov-agent history`.
 *
 * Design (crash-safe without ever rewriting history):
 * - `<dataDir>/incidents.jsonl` holds closed incidents, one complete record per line, appended and fsynced.
 * - `<dataDir>/incident-open.json` holds the one open incident, replaced atomically on every change (and touched
 *   at most every {@link TOUCH_EVERY_MS} so a crash loses little of its duration).
 * - Closing appends the record, then removes the open file. A crash between the two leaves an open file whose id
 *   is already in the history: the next start only removes it. A crash anywhere else leaves an open file that the
 *   next start closes as "agent stopped", ending at the last moment the agent was known to be watching.
 * - A torn or corrupt line (crash mid-append, hand edits) is skipped, never fatal.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { VERDICT_IDS, type Evidence, type VerdictId } from "../core/types.js";
import { redactText, redactValue } from "../redact.js";
import { appendLineDurableSync, writeFileAtomicSync } from "./atomic-write.js";

/** Evidence kept with an incident: the snapshot at its start, capped so one incident stays one readable line. */
export const EVIDENCE_CAP = 20;
const EVIDENCE_TEXT_CAP = 400;
/** How often an open incident's `lastSeen` is persisted while it lasts. */
export const TOUCH_EVERY_MS = 30_000;

export const INCIDENTS_FILE = "incidents.jsonl";
export const OPEN_INCIDENT_FILE = "incident-open.json";

const evidenceSchema = z.object({
  kind: z.enum(["target", "dns", "gateway", "status-api", "controls", "game-log", "broken-probe", "missing"]),
  text: z.string(),
  targetId: z.string().optional(),
  code: z.string().optional(),
});

/** One incident as stored and as `history --json` prints it. Times are ISO strings. */
export const incidentSchema = z.object({
  id: z.string().min(1),
  start: z.string(),
  /** Null while open. */
  end: z.string().nullable(),
  /** end − start − gapMs; null while open. */
  durationMs: z.number().int().nonnegative().nullable(),
  /** Causes in the order they were confirmed; the first is the one the drop was announced with. */
  verdicts: z.array(z.enum(VERDICT_IDS)).min(1),
  endReason: z.enum(["recovered", "agent stopped"]).nullable(),
  evidence: z.array(evidenceSchema),
  /** Sleep / pause time inside the incident, not counted as outage. */
  gapMs: z.number().int().nonnegative().default(0),
  /** Last moment the agent was watching this incident. */
  lastSeen: z.string(),
});
export type Incident = z.infer<typeof incidentSchema>;
export type EndReason = NonNullable<Incident["endReason"]>;

/** What the monitor needs from incident storage. Synchronous: small files, and ordering must follow events. */
export interface IncidentStore {
  open(init: { id: string; start: number; verdict: VerdictId; evidence: Evidence[] }): void;
  addVerdict(id: string, verdict: VerdictId, at: number): void;
  /** Records that the incident is still being watched at `at` (persisted at most every 30 s). */
  touch(id: string, at: number, gapMs?: number): void;
  close(id: string, end: number, endReason: EndReason, gapMs?: number): Incident | null;
  /** Closes an incident a crash left open, as "agent stopped". Call once at start. */
  recoverOpen(): Incident[];
  list(opts?: { limit?: number }): Incident[];
}

export interface IncidentStoreOptions {
  dataDir: string;
  logger?: { warn(msg: string, fields?: Record<string, unknown>): void };
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** A short, sortable, unique id: `inc-20250101T100000Z-3f2a9c`. */
export function newIncidentId(at: number): string {
  return `inc-${iso(at).replace(/[-:]/g, "").replace(/\.\d+/, "")}-${randomBytes(3).toString("hex")}`;
}

function capEvidence(evidence: Evidence[]): Evidence[] {
  return evidence.slice(0, EVIDENCE_CAP).map((e) => {
    // Redact before cutting: a token cut in half no longer looks like one.
    const text = redactText(e.text);
    return { ...e, text: text.length > EVIDENCE_TEXT_CAP ? `${text.slice(0, EVIDENCE_TEXT_CAP - 1)}…` : text };
  });
}

function readClosed(dataDir: string, warn?: (msg: string, fields?: Record<string, unknown>) => void): Incident[] {
  let text: string;
  try {
    text = readFileSync(join(dataDir, INCIDENTS_FILE), "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") warn?.("incident history unreadable", { error: (e as Error).message });
    return [];
  }
  const out: Incident[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      const r = incidentSchema.safeParse(JSON.parse(line));
      if (r.success) out.push(r.data);
      else warn?.("incident history line skipped", { line: i + 1, reason: r.error.issues[0]?.message });
    } catch {
      warn?.("incident history line skipped", { line: i + 1, reason: "not JSON" });
    }
  });
  return out;
}

function readOpen(dataDir: string): Incident | null | "corrupt" {
  const p = join(dataDir, OPEN_INCIDENT_FILE);
  if (!existsSync(p)) return null;
  try {
    const r = incidentSchema.safeParse(JSON.parse(readFileSync(p, "utf8")));
    return r.success ? r.data : "corrupt";
  } catch {
    return "corrupt";
  }
}

/** Newest first, the open incident (if any) on top. For `tarkov-agent history`; never throws on bad data. */
export function listIncidents(opts: { dataDir: string; limit?: number; logger?: IncidentStoreOptions["logger"] }): Incident[] {
  const open = readOpen(opts.dataDir);
  const closed = readClosed(opts.dataDir, opts.logger && ((m, f) => opts.logger?.warn(m, f))).reverse();
  const all = open && open !== "corrupt" && !closed.some((c) => c.id === open.id) ? [open, ...closed] : closed;
  return opts.limit === undefined ? all : all.slice(0, Math.max(0, opts.limit));
}

/** File-backed {@link IncidentStore} in `dataDir`. */
export function createIncidentStore(opts: IncidentStoreOptions): IncidentStore {
  const { dataDir } = opts;
  const warn = (msg: string, fields?: Record<string, unknown>) => opts.logger?.warn(msg, fields);
  const openPath = join(dataDir, OPEN_INCIDENT_FILE);
  const historyPath = join(dataDir, INCIDENTS_FILE);
  let current: Incident | null = null;
  let lastWrite = 0;

  const ensureDir = () => mkdirSync(dataDir, { recursive: true });
  const persistOpen = (inc: Incident, at: number) => {
    ensureDir();
    writeFileAtomicSync(openPath, JSON.stringify(redactValue(inc)));
    lastWrite = at;
  };
  const finish = (inc: Incident, end: number, endReason: EndReason): Incident => {
    const start = Date.parse(inc.start);
    const closed: Incident = {
      ...inc,
      end: iso(end),
      durationMs: Math.max(0, Math.round(end - start - inc.gapMs)),
      endReason,
      lastSeen: iso(Math.max(end, Date.parse(inc.lastSeen))),
    };
    ensureDir();
    // Redacted again at every write: an open incident left by an older version may still carry raw evidence.
    appendLineDurableSync(historyPath, JSON.stringify(redactValue(closed)));
    try {
      unlinkSync(openPath);
    } catch {
      // not there: nothing to clean
    }
    return closed;
  };

  return {
    open({ id, start, verdict, evidence }) {
      if (current) {
        warn("incident opened while another was open; closing the old one", { incidentId: current.id });
        finish(current, start, "agent stopped");
      }
      current = {
        id,
        start: iso(start),
        end: null,
        durationMs: null,
        verdicts: [verdict],
        endReason: null,
        evidence: capEvidence(evidence),
        gapMs: 0,
        lastSeen: iso(start),
      };
      persistOpen(current, start);
    },
    addVerdict(id, verdict, at) {
      if (!current || current.id !== id) return;
      current = { ...current, verdicts: [...current.verdicts, verdict], lastSeen: iso(at) };
      persistOpen(current, at);
    },
    touch(id, at, gapMs) {
      if (!current || current.id !== id) return;
      current = { ...current, lastSeen: iso(at), gapMs: Math.round(gapMs ?? current.gapMs) };
      if (at - lastWrite >= TOUCH_EVERY_MS) persistOpen(current, at);
    },
    close(id, end, endReason, gapMs) {
      if (!current || current.id !== id) return null;
      const inc = { ...current, gapMs: Math.round(gapMs ?? current.gapMs) };
      current = null;
      return finish(inc, end, endReason);
    },
    recoverOpen() {
      const open = readOpen(dataDir);
      if (open === null) return [];
      if (open === "corrupt") {
        const aside = `${openPath}.corrupt-${Date.now()}`;
        warn("open incident file unreadable; moved aside", { path: aside });
        try {
          renameSync(openPath, aside);
        } catch {
          // leave it; it will be reported again next start
        }
        return [];
      }
      if (readClosed(dataDir).some((c) => c.id === open.id)) {
        // Crash after the close was appended but before the open file was removed.
        unlinkSync(openPath);
        return [];
      }
      return [finish(open, Date.parse(open.lastSeen), "agent stopped")];
    },
    list(o) {
      return listIncidents({ dataDir, ...(o?.limit === undefined ? {} : { limit: o.limit }), ...(opts.logger ? { logger: opts.logger } : {}) });
    },
  };
}
