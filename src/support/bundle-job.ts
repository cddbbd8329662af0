/**
 * The heavy half of a support bundle, in plain data: read the game's logs for their facts, build the evidence
 * report and summary.md, and stream everything through redaction into the zip. It takes only values that can cross
 * to a worker thread (./bundle-thread.ts runs it there; tests and uncompiled runs call it in-process), and what
 * the caller's live objects know (the current diagnosis, the network snapshot) arrives later as `late`, so that
 * reading the game's logs overlaps with taking the snapshot.
 */
import { readHistory } from "../agent/evidence-history.js";
import type { Diagnosis } from "../core/types.js";
import { buildEvidenceReport } from "../report/evidence-report.js";
import { createBundle, type BundleResult } from "./bundle.js";
import { mergeRaidServers, readGameFacts, type RaidServer } from "./game-facts.js";
import { ssidsIn, type NetworkSnapshot } from "./network-snapshot.js";
import { renderSummary } from "./summary-md.js";

export interface BundleJob {
  dataDir: string;
  version: string;
  /** The game's logs folder, or null (none found, or `--no-game-logs`). */
  gameLogsDir: string | null;
  launcherLogsDir: string | null;
  now: number;
  days: number;
  /** Raid servers the running agent's game watch saw named, newest first. */
  liveRaidServers: RaidServer[];
  /** The OS user's names (redacted wherever they appear). */
  userNames: string[];
  /** The zip to write; null with `preview`. */
  out: string | null;
  preview: boolean;
  capBytes: number;
  redact: boolean;
  /** Redaction workers: a count or "auto"; `workerHref` points at the compiled redaction worker (tests: dist/). */
  pool?: { workers?: number | "auto"; workerHref?: string | null };
}

/** What only the caller's live objects can say; it may arrive after the job started. */
export interface BundleLate {
  current: Diagnosis | null;
  snapshot: NetworkSnapshot;
}

/** BSG addresses the agent connected to (from the history): support needs them, so they are never masked. */
async function bsgAddresses(dataDir: string, from: number, to: number): Promise<string[]> {
  const out = new Set<string>();
  await readHistory(dataDir, from, to, (r) => {
    if (r.k === "round") for (const t of r.tg) if (t.g === "b" && t.a) out.add(t.a);
  });
  return [...out];
}

/** Makes the bundle (or its preview) from plain inputs. */
export async function runBundleJob(job: BundleJob, late: Promise<BundleLate>): Promise<BundleResult> {
  const { now, days } = job;
  const from = now - days * 86_400_000;
  const fromLogs = await readGameFacts(job.gameLogsDir, { since: from });
  const game = { ...fromLogs, raidServers: mergeRaidServers(fromLogs.raidServers, job.liveRaidServers.filter((r) => Date.parse(r.at) >= from)) };
  const report = await buildEvidenceReport({ dataDir: job.dataDir, from, to: now, version: job.version, now, game });
  const { current, snapshot } = await late;
  const summary = renderSummary({ now, version: job.version, current, model: report.model, facts: report.facts, fixes: report.fixes, game, days });
  const diagnoses = {
    now: current,
    confirmed: [] as unknown[],
  };
  await readHistory(job.dataDir, from, now, (r) => {
    if (r.k === "event" && (r.e === "down" || r.e === "verdict") && diagnoses.confirmed.length < 200) diagnoses.confirmed.push({ at: new Date(r.t).toISOString(), event: r.e, verdict: r.v, incidentId: r.inc, headline: r.h ?? null, evidence: r.ev ?? [] });
  });
  const keep = [...(await bsgAddresses(job.dataDir, from, now)), ...game.raidServers.map((r) => r.ip)];
  const workerHref = job.pool?.workerHref;
  return createBundle({
    dataDir: job.dataDir,
    gameLogsDir: job.gameLogsDir,
    launcherLogsDir: job.launcherLogsDir,
    days,
    now,
    out: job.out,
    preview: job.preview,
    capBytes: job.capBytes,
    version: job.version,
    redaction: { enabled: job.redact, userNames: job.userNames, ssids: ssidsIn(snapshot), keepAddresses: [...new Set(keep)] },
    pool: job.pool === undefined ? undefined : { workers: job.pool.workers, workerUrl: workerHref === undefined ? undefined : workerHref === null ? null : new URL(workerHref) },
    generated: [
      { path: "summary.md", text: summary },
      { path: "report.html", text: report.html },
      { path: "diagnoses.json", text: JSON.stringify(diagnoses, null, 2) + "\n" },
      { path: "network.json", text: JSON.stringify(snapshot, null, 2) + "\n" },
    ],
  });
}
