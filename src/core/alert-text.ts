/**
 * Words the player sees live: toast titles/bodies and the tray's status line and tooltip. Pure (no I/O, no clock):
 * times come in as arguments, words from the message catalogue (src/core/i18n) in the player's language. One voice:
 * a verdict has one name everywhere (the toast title, the status line, `diagnose`, `history`, the report), every
 * toast says what happened in its title and the single most useful next step in its body, and when that step is a
 * fix the agent can do, the body says where it is ("Tray menu → Fixes → …").
 */
import { clock as clockOf, duration } from "./i18n/format.js";
import { EN, type Messages } from "./i18n/index.js";
import { INTERCEPTORS } from "./interception.js";
import type { Advice, Diagnosis, VerdictId } from "./types.js";

/** One toast: a title line and a body of one or two short sentences. */
export interface AlertText {
  title: string;
  body: string;
}

/** The tray's icon states; see `iconForVerdict`. */
export type TrayIconName = "ok" | "problem" | "down" | "unknown";

/** The verdicts' names in English (tests and logs); people read `m.verdicts.name`. */
export const VERDICT_TITLES: Record<VerdictId, string> = EN.verdicts.name;

/** Windows truncates toast bodies after about three lines; keep the action whole and short. */
const MAX_BODY = 180;
/** Windows' tray tooltip holds 127 characters. */
const MAX_TOOLTIP = 127;
/** A menu item wider than this makes the whole tray menu wide. */
const MAX_STATUS = 64;

/** Icon for a verdict: a check when you can play, an exclamation when it is shaky or unclear, a cross when you can't. */
export function iconForVerdict(verdict: VerdictId | null): TrayIconName {
  if (verdict === null) return "unknown";
  if (verdict === "ok") return "ok";
  if (verdict === "bsg-degraded" || verdict === "inconclusive") return "problem";
  return "down";
}

/** The verdict's one name. */
export const verdictTitle = (verdict: VerdictId, m: Messages = EN): string => m.verdicts.name[verdict];

/** An advice line in the reader's language (its catalogue key), or its English text for a line without one. */
export function adviceText(a: Advice, m: Messages = EN): string {
  const key = a.key;
  if (key === undefined) return a.text;
  const [kind, id] = key.split(":");
  if (id !== undefined && (kind === "product" || kind === "productMaybe")) {
    const product = INTERCEPTORS.find((p) => p.id === id);
    if (product === undefined) return a.text;
    const setting = m.advice.productSetting[product.id];
    return kind === "product" ? m.advice.itIs(product.name, setting) : m.advice.maybeIt(product.name, setting);
  }
  return m.advice.lines[key as keyof typeof m.advice.lines] ?? a.text;
}

/** The fix the next step can be done with, as the toast names it. */
export interface FixHint {
  /** The fix's name in the reader's language. */
  name: string;
  /** True when the agent applies it by itself (auto-fix on and the fix approved as "auto"). */
  auto: boolean;
}

/** The one next step: the diagnosis' first advice, or the verdict's standard action when it has none. */
export function nextStep(d: Diagnosis, m: Messages = EN, max = MAX_BODY): string {
  const first = d.advice[0];
  const text = plain(first === undefined ? "" : adviceText(first, m));
  return clamp(text === "" ? m.verdicts.action[d.verdict] : text, max);
}

/** The next step, and the fix that does it when there is one: "… Tray menu → Fixes → Clear the DNS cache." */
function stepWithFix(d: Diagnosis, m: Messages, fix: FixHint | null, max = MAX_BODY): string {
  if (fix === null) return nextStep(d, m, max);
  const action = fix.auto ? m.alerts.fixAuto(fix.name) : m.alerts.fixAction(fix.name);
  return `${nextStep(d, m, max - action.length - 1)} ${action}`;
}

/** Toast for a confirmed drop (and for "Diagnose now"): what broke, the one thing to do, and the fix for it. */
export function dropAlert(d: Diagnosis, m: Messages = EN, fix: FixHint | null = null): AlertText {
  return { title: m.verdicts.name[d.verdict], body: stepWithFix(d, m, fix) };
}

/** Toast when an open incident's cause changes (e.g. BSG down → now your DNS). */
export function verdictChangeAlert(prev: VerdictId, d: Diagnosis, m: Messages = EN, fix: FixHint | null = null): AlertText {
  const before = m.alerts.before(m.verdicts.name[prev]);
  return { title: m.verdicts.name[d.verdict], body: clamp(`${stepWithFix(d, m, fix, MAX_BODY - before.length - 1)} ${before}`, MAX_BODY) };
}

/** Toast when BSG answers again after an incident of `durationMs` that was diagnosed as `verdict`. */
export function recoveryAlert(durationMs: number, verdict: VerdictId, m: Messages = EN): AlertText {
  return { title: m.alerts.recoveryTitle(duration(durationMs, m.locale)), body: m.alerts.recoveryBody(m.verdicts.name[verdict]) };
}

/** Toast for BSG's own maintenance notice, in BSG's words (tags and extra whitespace removed). */
export function maintenanceAlert(messageText: string | null, m: Messages = EN): AlertText {
  const message = plain(messageText ?? "");
  return { title: m.verdicts.name.maintenance, body: message === "" ? m.verdicts.action.maintenance : clamp(m.alerts.bsgSays(message), MAX_BODY) };
}

/** Reminder for an incident that is still open after `durationMs`. */
export function reminderAlert(d: Diagnosis, durationMs: number, m: Messages = EN): AlertText {
  const lasted = m.alerts.stillFor(duration(durationMs, m.locale));
  return { title: m.alerts.stillTitle(m.verdicts.name[d.verdict]), body: clamp(`${lasted} ${nextStep(d, m, MAX_BODY - lasted.length - 1)}`, MAX_BODY) };
}

/** A toast held back while the player was in a raid. */
export type HeldEvent =
  | { kind: "drop"; at: Date; verdict: VerdictId }
  | { kind: "change"; at: Date; verdict: VerdictId }
  | { kind: "recovery"; at: Date; verdict: VerdictId; durationMs: number }
  | { kind: "maintenance"; at: Date; message: string | null };

/** One summary toast after a raid instead of the toasts held back during it; null when nothing happened. */
export function raidSummaryAlert(events: readonly HeldEvent[], m: Messages = EN): AlertText | null {
  if (events.length === 0) return null;
  const last = events[events.length - 1]!;
  const drops = events.filter((e) => e.kind === "drop").length;
  const title = last.kind === "recovery" ? m.alerts.raidTitleBack(drops) : m.alerts.raidTitle(m.verdicts.name[last.kind === "maintenance" ? "maintenance" : last.verdict]);
  const shown = events.slice(-3).map((e) => describeHeld(e, m));
  const more = events.length - shown.length;
  const body = (more > 0 ? `${m.alerts.raidEarlier(more)} ` : "") + shown.join("; ") + ".";
  return { title, body: clamp(body, MAX_BODY) };
}

/** What the tray's status line and tooltip show. */
export interface StatusState {
  /** null until the first round has finished. */
  verdict: VerdictId | null;
  /** When this verdict (this cause, not the incident) began. */
  since: Date | null;
  /** Set while monitoring is paused by the player. */
  pausedUntil?: Date | null;
}

/** The tray's live status line: the verdict's one name and since when, e.g. "Your internet is down since 21:04". */
export function statusLine(state: StatusState, m: Messages = EN): string {
  if (state.pausedUntil) return m.tray.pausedUntil(clockOf(state.pausedUntil));
  if (state.verdict === null) return m.tray.checking;
  const name = m.verdicts.name[state.verdict];
  return clamp(state.since ? m.tray.since(name, clockOf(state.since)) : name, MAX_STATUS);
}

/** The tray icon's tooltip: the app, the verdict with its start time, and the next step when something is wrong. */
export function tooltip(state: StatusState, d?: Diagnosis | null, m: Messages = EN): string {
  const head = m.tray.tooltipHead(statusLine(state, m));
  if (state.pausedUntil || state.verdict === null || state.verdict === "ok" || !d || d.verdict !== state.verdict) return clamp(head, MAX_TOOLTIP);
  return clamp(`${head}\n${nextStep(d, m)}`, MAX_TOOLTIP);
}

/** "45 s", "12 min", "1 h 5 min" in English (src/core/i18n/format.ts `duration` for other languages). */
export const formatDuration = (ms: number): string => duration(ms, "en");

/** 24-hour local wall-clock time, "21:04". */
export const clock = (at: Date): string => clockOf(at);

function describeHeld(e: HeldEvent, m: Messages): string {
  const at = clockOf(e.at);
  switch (e.kind) {
    case "drop":
      return m.alerts.heldDrop(at, m.verdicts.name[e.verdict]);
    case "change":
      return m.alerts.heldChange(at, m.verdicts.name[e.verdict]);
    case "recovery":
      return m.alerts.heldBack(at, duration(e.durationMs, m.locale));
    case "maintenance":
      return m.alerts.heldMaintenance(at);
  }
}

/** Strips markup and collapses whitespace: BSG's status messages may carry HTML; toasts are plain text. */
function plain(s: string): string {
  return s
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** Cuts at a word boundary and marks the cut, so a toast never ends mid-word. */
export function clamp(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, "")}…`;
}
