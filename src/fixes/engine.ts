/**
 * The fix engine: dry run, apply, verify, roll back, undo, and recover after a crash. It owns the order of
 * operations that makes a fix safe to trust:
 *   1. dry run (-WhatIf) → the plan and the exact prior state (`before`)
 *   2. journal "pending" (durable) → 3. run the script (elevated only when the fix needs admin)
 *   4. journal "done"/"failed" → 5. re-diagnose until the verdict improves or the window ends; a reversible fix
 *      that did not help is rolled back and the player is told.
 * A run whose outcome is unknown (timeout, crashed shell, unreadable result) is never judged blind: the fix's own
 * dry run re-checks the real state first, so a change that took effect is kept and verified, and only a change
 * that did not (fully) take effect is put back.
 * All I/O comes in through `FixEngineDeps`; nothing here throws for things the world can do to us.
 */
import { applicableFixIds } from "../core/advice.js";
import { decideAuto, effectivePolicy, judgeVerification, type FixRisk, type Verification } from "../core/fix-policy.js";
import type { Diagnosis, VerdictId } from "../core/types.js";
import type { RunnerLog, RunOutcome, ScriptRunner } from "../ports/powershell.js";
import { FIXES, GUIDANCE, READ_SCRIPTS } from "./catalog/index.js";
import { newEntryId, type Journal, type JournalEntry, type UndoTrigger } from "./journal.js";
import type { FixResult } from "./result-schema.js";
import { parseSnapshot, type NetworkSnapshot } from "./snapshot.js";
import type { DnsBenchmarkEntry, FixSpec, GuidanceContext, GuidanceSpec } from "./types.js";
import type { ApplyOptions, ApplyReport, AutoReport, FixEvent, FixesConfig, FixListing, GuidanceListing, PendingOutcome, UndoItem, UndoReport } from "./engine-types.js";
import { count } from "../core/i18n/format.js";

const CHANGES = { one: "change", other: "changes" };

export type { ApplyOptions, ApplyReport, AutoReport, FixEvent, FixesConfig, FixListing, GuidanceListing, PendingOutcome, UndoItem, UndoReport } from "./engine-types.js";

/** What the composition root passes in. */
export interface FixEngineDeps {
  runner: ScriptRunner;
  journal: Journal;
  config: FixesConfig;
  /** One fresh probe round → verdict (used as the baseline and to verify). */
  diagnose(): Promise<Diagnosis>;
  /** The agent's own DNS timing for each resolver ("system" = the current one) against the BSG hosts. */
  benchmarkDns(resolvers: readonly string[]): Promise<DnsBenchmarkEntry[]>;
  /** True while the game log says a raid is running. */
  raidInProgress(): boolean | Promise<boolean>;
  /** Game folder from config (null = scripts find it). */
  eftInstallDir?: string | null;
  catalog?: readonly FixSpec[];
  guidance?: readonly GuidanceSpec[];
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** Pause between verification rounds (default: a third of the window, at most 10 s). */
  verifyPollMs?: number;
  onEvent?: (e: FixEvent) => void;
  log?: RunnerLog;
}

const RISK_ORDER: Record<FixRisk, number> = { low: 0, medium: 1, high: 2 };
/** Runner failures after which we cannot know what the script did. */
const STATE_UNKNOWN_CODES = new Set(["PS_TIMEOUT", "PS_EXITED", "PS_CONTRACT"]);

/**
 * A dry run that could not see the current state (Defender hides its exclusion lists from non-administrators):
 * its plan assumes the change is needed, and the elevated run checks for itself.
 */
export const stateHidden = (r: FixResult): boolean => (r.data as { stateVisible?: unknown } | null)?.stateVisible === false;

/** What the fix's own dry run says about a change whose run ended without an answer. */
type Recheck = { kind: "in-place"; state: unknown } | { kind: "not-in-place" } | { kind: "unknown"; why: string; hidden?: boolean };

/** Did this entry change something that an undo script can revert? */
export const isUndoable = (fix: FixSpec | undefined, e: JournalEntry): boolean =>
  fix !== undefined &&
  fix.reversible &&
  fix.undoScript !== undefined &&
  (e.state === "done" || e.state === "failed") &&
  (e.status === "Changed" || e.changes.length > 0) &&
  e.undo?.state !== "done";

/** The fix engine. One per agent process; its operations run one at a time. */
export class FixEngine {
  private readonly catalog: readonly FixSpec[];
  private readonly guidance: readonly GuidanceSpec[];
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;
  private lock: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: FixEngineDeps) {
    this.catalog = deps.catalog ?? FIXES;
    this.guidance = deps.guidance ?? GUIDANCE;
    this.now = deps.now ?? (() => new Date());
    this.sleep = deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** Fix by id. */
  fix(id: string): FixSpec | undefined {
    return this.catalog.find((f) => f.id === id);
  }

  /** Fixes with their policy, the ones that apply to the current verdict first; plus guidance that applies now. */
  async listFixes(diagnosis: Diagnosis | null, extra: { gateway?: GuidanceContext["gateway"]; snapshot?: NetworkSnapshot | null } = {}): Promise<{ fixes: FixListing[]; guidance: GuidanceListing[] }> {
    const entries = await this.deps.journal.load();
    const fixes = this.catalog
      .map((f, i) => ({
        i,
        item: {
          id: f.id,
          title: f.title,
          guideStep: f.guideStep,
          risk: f.risk,
          needsAdmin: f.needsAdmin,
          reversible: f.reversible,
          rebootNeeded: f.rebootNeeded,
          appliesNow: diagnosis !== null && applicableFixIds(diagnosis).includes(f.id),
          policy: effectivePolicy(f, this.deps.config.policy[f.id]),
          undoable: f.restores !== undefined ? entries.filter((e) => e.fixId === f.restores && isUndoable(this.fix(f.restores!), e)).length : entries.filter((e) => e.fixId === f.id && isUndoable(f, e)).length,
        } satisfies FixListing,
      }))
      .sort((a, b) => Number(b.item.appliesNow) - Number(a.item.appliesNow) || a.i - b.i)
      .map((x) => x.item);
    const ctx: GuidanceContext = { diagnosis, gateway: extra.gateway ?? null, snapshot: extra.snapshot ?? null, now: this.now() };
    const guidance = this.guidance.flatMap((g) => {
      const why = g.detect(ctx);
      return why === null ? [] : [{ id: g.id, title: g.title, guideStep: g.guideStep, text: g.text, why }];
    });
    return { fixes, guidance };
  }

  /** Runs the read-only network snapshot; null when it could not be read. */
  async readNetworkSnapshot(): Promise<NetworkSnapshot | null> {
    const r = await this.deps.runner.run({ script: READ_SCRIPTS.networkSnapshot, params: {}, mode: "Read" });
    return r.ok && r.result.status !== "Failed" ? parseSnapshot(r.result.data) : null;
  }

  /** Journal entries, newest first. */
  async history(): Promise<JournalEntry[]> {
    return (await this.deps.journal.load()).reverse();
  }

  /** Dry run (the script's -WhatIf → plan) or real apply with journal, verification and automatic rollback. */
  applyFix(id: string, opts: ApplyOptions = {}): Promise<ApplyReport> {
    return this.exclusive(() => this.applyNow(id, opts));
  }

  /** Undo one journal entry (by entry id), or every undoable change of a fix (by fix id), newest first. */
  undoFix(idOrEntry: string, by: UndoTrigger = "player"): Promise<UndoReport> {
    return this.exclusive(async () => {
      const entries = await this.deps.journal.load();
      const byEntry = entries.find((e) => e.id === idOrEntry);
      if (byEntry !== undefined) {
        if (!isUndoable(this.fix(byEntry.fixId), byEntry)) return { ok: false, code: "FIX_NOTHING_TO_UNDO", message: `journal entry ${idOrEntry} has nothing to undo`, items: [] };
        return this.undoEntries([byEntry], by);
      }
      const fix = this.fix(idOrEntry);
      if (fix === undefined) return { ok: false, code: "FIX_UNKNOWN", message: `Expected a fix id or journal entry id, got ${JSON.stringify(idOrEntry)}`, items: [] };
      const target = fix.restores ?? fix.id;
      const list = entries.filter((e) => e.fixId === target && isUndoable(this.fix(target), e)).reverse();
      if (list.length === 0) return { ok: true, code: null, message: `nothing of ${target} to undo`, items: [] };
      return this.undoEntries(list, by);
    });
  }

  /** Reverts everything the agent changed and still owns, newest first (uninstaller, `fix undo --all`). */
  undoAll(): Promise<UndoReport> {
    return this.exclusive(async () => {
      const entries = await this.deps.journal.load();
      const list = entries.filter((e) => isUndoable(this.fix(e.fixId), e)).reverse();
      if (list.length === 0) return { ok: true, code: null, message: "nothing to undo", items: [] };
      return this.undoEntries(list, "undo-all");
    });
  }

  /**
   * At start: every record a crash left pending (or whose run ended in an unknown state) is checked against the real
   * state by re-running the fix's own dry run. Applied → undone (`undo: true`, the default: nothing unverified should
   * stay) or offered. Interrupted undos are re-run (undo scripts are idempotent).
   */
  resolvePending(opts: { undo?: boolean } = {}): Promise<PendingOutcome[]> {
    return this.exclusive(async () => {
      const entries = await this.deps.journal.load();
      const out: PendingOutcome[] = [];
      for (const e of entries) {
        if (e.state === "pending" || e.state === "unknown") out.push(await this.resolveEntry(e, opts.undo !== false));
        else if (e.undo?.state === "pending") {
          const r = await this.undoEntries([e], e.undo.by);
          out.push({ entryId: e.id, fixId: e.fixId, outcome: r.ok ? "undone" : "unresolved", message: r.message });
        }
      }
      for (const o of out) this.deps.onEvent?.({ type: "pending-resolved", fixId: o.fixId, entryId: o.entryId, outcome: o.outcome });
      return out;
    });
  }

  /** Monitor entry point: a verdict was confirmed; apply at most one auto-approved fix, list the ones to ask about. */
  onConfirmedVerdict(diagnosis: Diagnosis, incidentId: string, autoFixEnabled: boolean): Promise<AutoReport> {
    return this.exclusive(async () => {
      const entries = await this.deps.journal.load();
      const nowMs = this.now().getTime();
      const autoLast24h = entries.filter((e) => e.approvedBy === "auto" && nowMs - Date.parse(e.startedAt) < 24 * 3600 * 1000).length;
      const report: AutoReport = { applied: null, ask: [], skipped: [] };
      const candidates = this.catalog
        .map((f, i) => ({ f, i }))
        .filter(({ f }) => f.restores === undefined)
        .sort((a, b) => RISK_ORDER[a.f.risk] - RISK_ORDER[b.f.risk] || a.i - b.i);
      for (const { f } of candidates) {
        // Applicability comes from the diagnosis' advice (core/advice.ts), the same lines `diagnose` prints.
        const d = decideAuto(applicableFixIds(diagnosis).includes(f.id) ? f : { ...f, appliesTo: [] }, this.deps.config.policy[f.id], {
          autoFixEnabled,
          verdict: diagnosis.verdict,
          confirmed: true,
          confidence: diagnosis.confidence,
          alreadyAppliedThisIncident: entries.some((e) => e.fixId === f.id && e.incidentId === incidentId),
          autoAppliesLast24h: autoLast24h,
          dailyCap: this.deps.config.dailyCap,
        });
        if (d.action === "apply" && report.applied === null) {
          report.applied = await this.applyNow(f.id, { approvedBy: "auto", incidentId, baseline: diagnosis });
        } else if (d.action === "apply" || d.action === "ask") {
          // A second auto-approved fix waits for the next confirmation: one change at a time, each verified.
          report.ask.push({ fixId: f.id, title: f.title, reason: d.action === "ask" ? d.reason : "POLICY_ASK" });
        } else if (d.reason !== "NOT_APPLICABLE") report.skipped.push({ fixId: f.id, reason: d.reason });
      }
      return report;
    });
  }

  // -------------------------------------------------------------------------------------------------------------

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.lock.then(fn);
    this.lock = next.catch(() => undefined);
    return next;
  }

  private report(fixId: string, dryRun: boolean, partial: Partial<ApplyReport> & { ok: boolean; message: string }): ApplyReport {
    const r: ApplyReport = { fixId, dryRun, status: null, code: null, plan: [], changes: [], rebootNeeded: false, entryId: null, note: null, verification: null, rolledBack: null, ...partial };
    if (!r.ok && r.code !== null) this.deps.onEvent?.({ type: "failed", fixId, code: r.code, message: r.message });
    return r;
  }

  private async applyNow(id: string, opts: ApplyOptions): Promise<ApplyReport> {
    const dryRun = opts.dryRun === true;
    const fix = this.fix(id);
    if (fix === undefined) return this.report(id, dryRun, { ok: false, code: "FIX_UNKNOWN", message: `Expected one of ${this.catalog.map((f) => f.id).join(", ")}, got ${JSON.stringify(id)}` });
    if (fix.restores !== undefined) return this.restoreNow(fix, dryRun);

    const policy = effectivePolicy(fix, this.deps.config.policy[fix.id]);
    if (policy.effective === "never" && !dryRun) return this.report(id, dryRun, { ok: false, code: "FIX_POLICY_NEVER", message: `${fix.id} is set to "never" in the config (fixes.policy)` });
    if (fix.precondition === "no-raid" && !dryRun && (await this.deps.raidInProgress())) {
      return this.report(id, dryRun, { ok: false, code: "FIX_RAID_IN_PROGRESS", message: `not now: a raid is in progress; ${fix.title.toLowerCase()} would drop you from it` });
    }

    const prepared = await fix.prepare({ benchmarkDns: (r) => this.deps.benchmarkDns(r), eftInstallDir: this.deps.eftInstallDir ?? null }, { provider: opts.provider });
    if (!prepared.ok) return this.report(id, dryRun, { ok: false, code: prepared.code, message: prepared.message });
    const parsed = fix.paramsSchema.safeParse(prepared.params);
    if (!parsed.success) return this.report(id, dryRun, { ok: false, code: "FIX_PARAMS_INVALID", message: `params for ${fix.id} do not match its schema: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}` });
    const params: unknown = parsed.data;
    const note = prepared.note ?? null;

    // 1. The dry run: the plan, and the exact prior state for the journal. Unelevated: reading needs no admin.
    const dry = await this.deps.runner.run({ script: fix.script, params, mode: "Apply", whatIf: true });
    if (!dry.ok) return this.report(id, dryRun, { ok: false, code: dry.code, message: dry.message, note });
    const d = dry.result;
    if (dryRun) {
      const ok = d.status === "WouldChange" || d.status === "NoChange";
      const would = `would make ${count("en", d.plan.length, CHANGES)}${stateHidden(d) ? "; whether they are already in place can only be seen with administrator rights, so that is checked when it runs" : ""}`;
      return this.report(id, true, { ok, status: d.status, code: ok ? null : d.status === "Failed" ? "FIX_FAILED" : "FIX_SKIPPED", message: d.error?.message ?? (d.status === "NoChange" ? "already in place: nothing to change" : would), plan: d.plan, rebootNeeded: d.rebootNeeded || fix.rebootNeeded, note });
    }
    if (d.status === "NoChange") {
      const entry = await this.deps.journal.add(this.newEntry(fix, params, opts, { state: "done", status: "NoChange", before: d.before, after: d.before, finishedAt: this.now().toISOString(), message: "already in place" }));
      return this.report(id, false, { ok: true, status: "NoChange", message: "already in place: nothing changed", entryId: entry.id, note });
    }
    if (d.status === "Skipped") return this.report(id, false, { ok: false, status: "Skipped", code: "FIX_SKIPPED", message: d.error?.message ?? `${fix.id} does not apply to this PC`, note });
    if (d.status === "Failed") {
      // A plan that already failed is never followed by the real run (nor by an administrator prompt for it).
      if (fix.requiresSnapshot === true) {
        return this.report(id, false, { ok: false, status: "Failed", code: "FIX_NO_SNAPSHOT", message: `not applied: the current state could not be read, so it could not be put back exactly (${d.error?.message ?? "dry run failed"})`, note });
      }
      return this.report(id, false, { ok: false, status: "Failed", code: "FIX_DRY_RUN_FAILED", message: `not applied: its check failed before anything was changed (${d.error?.message ?? "no reason given"})`, note });
    }

    const baseline = opts.baseline ?? (await this.safeDiagnose());

    // 2. Durable "pending" before anything changes.
    let entry: JournalEntry;
    try {
      entry = await this.deps.journal.add(this.newEntry(fix, params, opts, { state: "pending", before: d.before, plan: d.plan }));
    } catch (e) {
      // No durable record, no change: an unjournalled change could never be undone after a crash.
      return this.report(id, false, { ok: false, code: "FIX_JOURNAL_UNWRITABLE", message: `not applied: the undo journal ${this.deps.journal.path} cannot be written (${(e as Error).message})`, plan: d.plan, note });
    }
    // 3. The change itself.
    const run = await this.deps.runner.run({ script: fix.script, params, mode: "Apply", elevated: fix.needsAdmin });
    // 4. Durable outcome.
    let r: FixResult;
    let recovered: string | null = null;
    if (!run.ok) {
      if (!STATE_UNKNOWN_CODES.has(run.code)) {
        await this.deps.journal.update(entry.id, () => ({ state: "failed", code: run.code, message: run.message, runId: run.runId, finishedAt: this.now().toISOString() }));
        return this.report(id, false, { ok: false, code: run.code, message: run.message, entryId: entry.id, plan: d.plan, note });
      }
      // No answer from the run: what the script did is unknown until the real state has been read again.
      await this.deps.journal.update(entry.id, () => ({ state: "unknown", code: run.code, message: run.message, runId: run.runId, finishedAt: this.now().toISOString() }));
      const check = await this.recheck(fix, params);
      if (check.kind !== "in-place") {
        const outcome = await this.settleUnknown({ ...entry, state: "unknown" }, fix, check);
        return this.report(id, false, { ok: false, code: run.code, message: `${run.message}. ${outcome}`, entryId: entry.id, plan: d.plan, note });
      }
      // It worked; only the answer was lost. Keep it, and verify it like any other change.
      recovered = `${run.code} (${run.message}); a re-check found the change in place`;
      r = { ...d, whatIf: false, status: "Changed", changes: d.plan.length > 0 ? d.plan : [`${fix.title}: found in place after ${run.code}`], after: check.state, error: null, rebootNeeded: d.rebootNeeded };
    } else {
      r = run.result;
    }
    const done = await this.deps.journal.update(entry.id, () => ({
      state: r.status === "Changed" || r.status === "NoChange" ? "done" : "failed",
      status: r.status,
      // Keep the dry run's snapshot when the script reports none: it is the exact-undo material.
      before: r.before ?? d.before,
      after: r.after,
      changes: r.changes,
      rebootNeeded: r.rebootNeeded,
      code: r.status === "Failed" ? "FIX_FAILED" : null,
      message: r.error?.message ?? recovered,
      runId: run.runId,
      finishedAt: this.now().toISOString(),
    }));
    const base = { status: r.status, plan: d.plan, changes: r.changes, rebootNeeded: r.rebootNeeded || fix.rebootNeeded, entryId: entry.id, note };
    if (r.status !== "Changed") {
      const failed = r.status === "Failed" || r.status === "Skipped";
      return this.report(id, false, { ...base, ok: !failed, code: r.status === "Failed" ? "FIX_FAILED" : r.status === "Skipped" ? "FIX_SKIPPED" : null, message: r.error?.message ?? (r.status === "NoChange" ? "already in place: nothing changed" : `${fix.id}: ${r.status}`) });
    }
    this.deps.onEvent?.({ type: "applied", fixId: fix.id, approvedBy: opts.approvedBy ?? "player", status: r.status, entryId: entry.id });

    // 5. Verify; a reversible fix that did not help is rolled back (a reboot-needed fix cannot be judged yet).
    if (opts.verify === false || baseline === null || fix.rebootNeeded || r.rebootNeeded) {
      return this.report(id, false, { ...base, ok: true, message: r.rebootNeeded || fix.rebootNeeded ? "done; restart the PC to finish" : "done" });
    }
    const v = await this.verify(fix, baseline.verdict);
    if (v.result === "improved" || v.result === "not-needed") return this.report(id, false, { ...base, ok: true, message: v.result === "improved" ? `done and verified: the verdict is now ${v.final ?? "unknown"}` : "done", verification: { ...v, baseline: baseline.verdict } });
    if (!fix.reversible) return this.report(id, false, { ...base, ok: false, code: "FIX_DID_NOT_HELP", message: `done, but it did not help (verdict still ${v.final ?? "unknown"}); it cannot be undone`, verification: { ...v, baseline: baseline.verdict } });
    const rolled = await this.undoEntries([done], "auto-rollback");
    this.deps.onEvent?.({ type: "rolled-back", fixId: fix.id, entryId: entry.id, verification: v.result, verdict: v.final });
    return this.report(id, false, {
      ...base,
      ok: false,
      code: "FIX_ROLLED_BACK",
      message: rolled.ok ? `it did not help (verdict ${v.final ?? "unknown"} after ${Math.round(this.deps.config.verifyWindowMs / 1000)} s), so it was undone` : `it did not help and undoing it failed: ${rolled.message}`,
      verification: { ...v, baseline: baseline.verdict },
      rolledBack: rolled,
    });
  }

  /** restore-dns: undo the journalled switch-dns changes (dry run = the restore script's -WhatIf on the oldest). */
  private async restoreNow(fix: FixSpec, dryRun: boolean): Promise<ApplyReport> {
    const target = this.fix(fix.restores!);
    const entries = (await this.deps.journal.load()).filter((e) => e.fixId === fix.restores && isUndoable(target, e));
    if (entries.length === 0) return this.report(fix.id, dryRun, { ok: true, status: "NoChange", message: `no ${fix.restores} change of the agent's to put back` });
    if (dryRun) {
      const oldest = entries[0]!;
      const r = await this.deps.runner.run({ script: fix.script, params: this.undoParams(oldest), mode: "Undo", whatIf: true });
      if (!r.ok) return this.report(fix.id, true, { ok: false, code: r.code, message: r.message });
      return this.report(fix.id, true, { ok: true, status: r.result.status, message: `would put back the state from ${oldest.startedAt}`, plan: r.result.plan });
    }
    const u = await this.undoEntries(entries.reverse(), "player");
    return this.report(fix.id, false, { ok: u.ok, status: u.ok ? "Changed" : "Failed", code: u.code, message: u.message, changes: u.items.flatMap((i) => i.changes) });
  }

  private newEntry(fix: FixSpec, params: unknown, opts: ApplyOptions, over: Partial<JournalEntry>): JournalEntry {
    const now = this.now();
    return {
      id: newEntryId(now),
      fixId: fix.id,
      params,
      approvedBy: opts.approvedBy ?? "player",
      incidentId: opts.incidentId ?? null,
      state: "pending",
      startedAt: now.toISOString(),
      finishedAt: null,
      before: null,
      after: null,
      plan: [],
      changes: [],
      status: null,
      code: null,
      message: null,
      rebootNeeded: false,
      runId: null,
      undo: null,
      ...over,
    };
  }

  private undoParams(e: JournalEntry): unknown {
    return { fixId: e.fixId, snapshot: e.before ?? null, applied: e.after ?? null, params: e.params ?? null };
  }

  /** Runs the undo script for each entry in the given order; journals pending before and the outcome after. */
  private async undoEntries(list: JournalEntry[], by: UndoTrigger): Promise<UndoReport> {
    const items: UndoItem[] = [];
    for (const e of list) {
      const fix = this.fix(e.fixId);
      if (fix?.undoScript === undefined) {
        items.push({ entryId: e.id, fixId: e.fixId, ok: false, status: null, code: "FIX_NOT_REVERSIBLE", message: `${e.fixId} cannot be undone`, changes: [] });
        continue;
      }
      const at = this.now().toISOString();
      await this.deps.journal.update(e.id, () => ({ undo: { state: "pending", by, at, finishedAt: null, status: null, code: null, message: null, changes: [] } }));
      const r: RunOutcome = await this.deps.runner.run({ script: fix.undoScript, params: this.undoParams(e), mode: "Undo", elevated: fix.needsAdmin });
      const ok = r.ok && (r.result.status === "Changed" || r.result.status === "NoChange");
      const status = r.ok ? r.result.status : null;
      const code = r.ok ? (ok ? null : "FIX_UNDO_FAILED") : r.code;
      const message = r.ok ? (r.result.error?.message ?? (ok ? (r.result.status === "Changed" ? "undone" : "already back to the previous state") : `undo ${r.result.status}`)) : r.message;
      const changes = r.ok ? r.result.changes : [];
      await this.deps.journal.update(e.id, (cur) => ({
        state: ok ? (by === "auto-rollback" ? "rolled-back" : "undone") : cur.state,
        undo: { state: ok ? "done" : "failed", by, at, finishedAt: this.now().toISOString(), status, code, message, changes },
      }));
      items.push({ entryId: e.id, fixId: e.fixId, ok, status, code, message, changes });
    }
    const failed = items.filter((i) => !i.ok);
    return {
      ok: failed.length === 0,
      code: failed[0]?.code ?? null,
      message: failed.length === 0 ? `undid ${count("en", items.length, CHANGES)}` : `${failed.length} of ${count("en", items.length, { one: "undo", other: "undos" })} failed: ${failed.map((f) => `${f.fixId}: ${f.message}`).join("; ")}`,
      items,
    };
  }

  /** Checks a pending/unknown record against the real state and undoes or offers. */
  private async resolveEntry(e: JournalEntry, undo: boolean): Promise<PendingOutcome> {
    const fix = this.fix(e.fixId);
    const base = { entryId: e.id, fixId: e.fixId };
    if (fix === undefined || !fix.reversible || fix.undoScript === undefined) {
      await this.deps.journal.update(e.id, () => ({ state: "interrupted", finishedAt: this.now().toISOString(), message: "the agent stopped while this ran; it cannot be undone" }));
      return { ...base, outcome: "interrupted", message: `${e.fixId} was interrupted; there is nothing to undo` };
    }
    return this.decideFromCheck(e, fix, await this.recheck(fix, e.params), undo);
  }

  /** The fix's own check: its dry run with the same params says whether the change is in place. */
  private async recheck(fix: FixSpec, params: unknown): Promise<Recheck> {
    const c = await this.deps.runner.run({ script: fix.script, params, mode: "Apply", whatIf: true });
    if (!c.ok) return { kind: "unknown", why: `${c.code}: ${c.message}` };
    if (stateHidden(c.result)) return { kind: "unknown", why: "the current state can only be read with administrator rights", hidden: true };
    if (c.result.status === "NoChange") return { kind: "in-place", state: c.result.before };
    if (c.result.status === "WouldChange") return { kind: "not-in-place" };
    return { kind: "unknown", why: `its check said ${c.result.status}${c.result.error ? `: ${c.result.error.message}` : ""}` };
  }

  /** After a run without an answer, in this process: put back a change that did not (fully) take effect. */
  private async settleUnknown(e: JournalEntry, fix: FixSpec, check: Recheck): Promise<string> {
    if (check.kind === "unknown") return `Whether it took effect could not be checked (${check.why}); the agent checks again at its next start`;
    if (!fix.reversible || fix.undoScript === undefined) {
      await this.deps.journal.update(e.id, () => ({ state: "failed", finishedAt: this.now().toISOString(), message: "it did not finish: its check says the change is not (fully) in place" }));
      return "Its check says the change is not (fully) in place";
    }
    const out = await this.decideFromCheck(e, fix, check, true);
    return out.outcome === "undone" ? "It had not (fully) taken effect; any partial change was undone" : out.message;
  }

  private async decideFromCheck(e: JournalEntry, fix: FixSpec, check: Recheck, undo: boolean): Promise<PendingOutcome> {
    const base = { entryId: e.id, fixId: e.fixId };
    const canUndo = e.before !== null && e.before !== undefined ? true : fix.requiresSnapshot !== true;
    if (check.kind === "unknown" && !(check.hidden === true && undo && canUndo)) {
      if (check.hidden === true) {
        // Nothing can tell without administrator rights, and there is no snapshot for an exact undo: say so once.
        await this.deps.journal.update(e.id, () => ({ state: "interrupted", finishedAt: this.now().toISOString(), message: `interrupted; ${check.why}` }));
        return { ...base, outcome: "interrupted", message: `${e.fixId} was interrupted and ${check.why}; check it in Windows yourself` };
      }
      return { ...base, outcome: "unresolved", message: `could not check whether ${e.fixId} was applied (${check.why}); will try again at next start` };
    }
    // null: hidden from this unelevated check; the elevated, idempotent undo reads the state for itself.
    const applied = check.kind === "unknown" ? null : check.kind === "in-place";
    if (applied === false && !undo) {
      await this.deps.journal.update(e.id, () => ({ state: "failed", finishedAt: this.now().toISOString(), message: "interrupted before it took effect" }));
      return { ...base, outcome: "not-applied", message: `${e.fixId} had not taken effect` };
    }
    if (!undo || !canUndo) {
      await this.deps.journal.update(e.id, () => ({ state: "done", status: "Changed", changes: e.changes.length > 0 ? e.changes : ["interrupted; found in place at next start"], finishedAt: this.now().toISOString(), message: "interrupted; found in place" }));
      return { ...base, outcome: "offer-undo", message: `${e.fixId} is in place but was never verified; undo it with "fix undo ${e.id}"` };
    }
    // Undo scripts are idempotent: also clean up a half-applied change.
    await this.deps.journal.update(e.id, () => ({ state: "done", status: applied === true ? "Changed" : null, changes: e.changes.length > 0 ? e.changes : [applied === true ? "interrupted; found in place at next start" : "interrupted; possibly partly applied"], finishedAt: this.now().toISOString() }));
    const r = await this.undoEntries([{ ...e, state: "done" }], "resolve-pending");
    return { ...base, outcome: r.ok ? "undone" : "unresolved", message: r.ok ? `${e.fixId} was interrupted; ${applied === true ? "it had taken effect and was undone" : "any partial change was undone"}` : r.message };
  }

  private async safeDiagnose(): Promise<Diagnosis | null> {
    try {
      return await this.deps.diagnose();
    } catch (e) {
      this.deps.log?.warn("diagnose failed during a fix", { reason: (e as Error).message });
      return null;
    }
  }

  private async verify(fix: FixSpec, baseline: VerdictId): Promise<{ result: Verification; final: VerdictId | null }> {
    const windowMs = this.deps.config.verifyWindowMs;
    const poll = this.deps.verifyPollMs ?? Math.min(10_000, Math.max(500, Math.floor(windowMs / 3)));
    const deadline = this.now().getTime() + windowMs;
    let result: Verification = "unchanged";
    let final: VerdictId | null = null;
    do {
      await this.sleep(poll);
      const d = await this.safeDiagnose();
      if (d === null) continue;
      final = d.verdict;
      result = judgeVerification(fix.appliesTo, baseline, d.verdict);
      if (result === "improved" || result === "not-needed") break;
    } while (this.now().getTime() < deadline);
    return { result, final };
  }
}
