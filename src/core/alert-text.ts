/**
 * Words the player sees: toast titles/bodies and the tray's status line and tooltip. Pure (no I/O, no clock):
 * times come in as arguments. Players are not engineers, so every toast says what happened in its title and
 * the single most useful next action in its body.
 */
import type { Diagnosis, VerdictId } from "./types.js";

/** One toast: a title line and a body of one or two short sentences. */
export interface AlertText {
  title: string;
  body: string;
}

/** The tray's icon colours; see `iconForVerdict`. */
export type TrayIconName = "ok" | "problem" | "down" | "unknown";

/** Toast title per verdict: the verdict in plain words, with whose side the problem is on. */
export const VERDICT_TITLES: Record<VerdictId, string> = {
  ok: "Tarkov servers are reachable",
  maintenance: "Tarkov is in maintenance (BSG side)",
  "server-outage": "Tarkov servers are down (BSG side)",
  "bsg-degraded": "Tarkov servers are unstable (BSG side)",
  "bsg-unreachable": "Your ISP can't reach Tarkov's servers",
  "dns-failure": "Your DNS can't find Tarkov's servers",
  "tls-intercepted": "Something on your PC or network blocks Tarkov",
  "no-internet": "Your internet is down",
  "local-network": "Your PC has lost its network connection",
  inconclusive: "Tarkov connection trouble, cause unclear",
};

/** Short form for the tray's status line, where space is tight. */
const VERDICT_SHORT: Record<VerdictId, string> = {
  ok: "Connected to Tarkov",
  maintenance: "BSG maintenance",
  "server-outage": "Tarkov servers down (BSG)",
  "bsg-degraded": "Tarkov servers unstable (BSG)",
  "bsg-unreachable": "ISP can't reach Tarkov",
  "dns-failure": "DNS problem",
  "tls-intercepted": "Connection intercepted",
  "no-internet": "Internet down",
  "local-network": "No network",
  inconclusive: "Connection trouble",
};

/** Next action when the diagnosis carries no advice of its own. */
const VERDICT_ACTIONS: Record<VerdictId, string> = {
  ok: "Nothing to do: you can play.",
  maintenance: "Nothing to fix on your side: wait for BSG to finish. You'll get a toast when it's over.",
  "server-outage": "Nothing to fix on your side: wait for BSG. You'll get a toast when they're back.",
  "bsg-degraded": "Restart the game and the launcher; if it keeps failing, wait a few minutes.",
  "bsg-unreachable": "Restart your router, then try again. If that doesn't help, try a VPN.",
  "dns-failure": "Switch your DNS to Cloudflare or Google (tray menu → Fixes).",
  "tls-intercepted": "Turn off your antivirus' web/HTTPS scanning for Tarkov, then try again.",
  "no-internet": "Restart your router. If it stays down, call your ISP.",
  "local-network": "Check the cable or Wi-Fi, then restart your router.",
  inconclusive: "Click \"Diagnose now\" in the tray in a minute for a clearer answer.",
};

/** Windows truncates toast bodies after about three lines; keep the action whole and short. */
const MAX_BODY = 180;
/** Windows' tray tooltip holds 127 characters. */
const MAX_TOOLTIP = 127;
/** A menu item wider than this makes the whole tray menu wide. */
const MAX_STATUS = 64;

/** Icon for a verdict: green when you can play, amber when it is shaky or unclear, red when you can't. */
export function iconForVerdict(verdict: VerdictId | null): TrayIconName {
  if (verdict === null) return "unknown";
  if (verdict === "ok") return "ok";
  if (verdict === "bsg-degraded" || verdict === "inconclusive") return "problem";
  return "down";
}

/** Plain title for a verdict (toast titles, history). */
export const verdictTitle = (verdict: VerdictId): string => VERDICT_TITLES[verdict];

/** Toast for a confirmed drop: what broke and the one thing to do about it. */
export function dropAlert(d: Diagnosis): AlertText {
  return { title: VERDICT_TITLES[d.verdict], body: nextAction(d) };
}

/** Toast when an open incident's cause changes (e.g. BSG down → now your DNS). */
export function verdictChangeAlert(prev: VerdictId, d: Diagnosis): AlertText {
  return {
    title: VERDICT_TITLES[d.verdict],
    body: clamp(`${nextAction(d, MAX_BODY - 40)} (Before: ${VERDICT_SHORT[prev]}.)`, MAX_BODY),
  };
}

/** Toast when BSG answers again after an incident of `durationMs` that was diagnosed as `verdict`. */
export function recoveryAlert(durationMs: number, verdict: VerdictId): AlertText {
  return {
    title: `BSG reachable again after ${formatDuration(durationMs)}`,
    body: `Cause: ${VERDICT_SHORT[verdict]}. You can queue again.`,
  };
}

/** Toast for BSG's own maintenance notice, in BSG's words (tags and extra whitespace removed). */
export function maintenanceAlert(messageText: string | null): AlertText {
  const message = plain(messageText ?? "");
  return {
    title: VERDICT_TITLES.maintenance,
    body: message === "" ? VERDICT_ACTIONS.maintenance : clamp(`BSG: "${message}"`, MAX_BODY),
  };
}

/** Reminder for an incident that is still open after `durationMs`. */
export function reminderAlert(d: Diagnosis, durationMs: number): AlertText {
  return {
    title: `Still: ${VERDICT_TITLES[d.verdict]}`,
    body: clamp(`For ${formatDuration(durationMs)} now. ${nextAction(d, MAX_BODY - 24)}`, MAX_BODY),
  };
}

/** A toast held back while the player was in a raid. */
export type HeldEvent =
  | { kind: "drop"; at: Date; verdict: VerdictId }
  | { kind: "change"; at: Date; verdict: VerdictId }
  | { kind: "recovery"; at: Date; verdict: VerdictId; durationMs: number }
  | { kind: "maintenance"; at: Date; message: string | null };

/** One summary toast after a raid instead of the toasts held back during it; null when nothing happened. */
export function raidSummaryAlert(events: readonly HeldEvent[]): AlertText | null {
  if (events.length === 0) return null;
  const last = events[events.length - 1]!;
  const drops = events.filter((e) => e.kind === "drop").length;
  const title =
    last.kind === "recovery"
      ? `During your raid: ${drops > 1 ? `${drops} drops` : "a drop"}, BSG reachable again`
      : `During your raid: ${last.kind === "maintenance" ? VERDICT_TITLES.maintenance : VERDICT_TITLES[last.verdict]}`;
  const shown = events.slice(-3).map(describeHeld);
  const more = events.length - shown.length;
  const body = (more > 0 ? `(+${more} earlier) ` : "") + shown.join("; ") + ".";
  return { title, body: clamp(body, MAX_BODY) };
}

/** What the tray's status line and tooltip show. `since` is when the current verdict started. */
export interface StatusState {
  /** null until the first round has finished. */
  verdict: VerdictId | null;
  since: Date | null;
  /** Set while monitoring is paused by the player. */
  pausedUntil?: Date | null;
}

/** The tray's live status line, e.g. "Tarkov servers down (BSG) since 21:04". */
export function statusLine(state: StatusState): string {
  if (state.pausedUntil) return `Monitoring paused until ${clock(state.pausedUntil)}`;
  if (state.verdict === null) return "Checking the connection…";
  const since = state.since ? ` since ${clock(state.since)}` : "";
  return clamp(`${VERDICT_SHORT[state.verdict]}${since}`, MAX_STATUS);
}

/** The tray icon's tooltip: the app, the verdict with its start time, and the next action when something is wrong. */
export function tooltip(state: StatusState, d?: Diagnosis | null): string {
  const head = `Tarkov connection: ${statusLine(state)}`;
  if (state.pausedUntil || state.verdict === null || state.verdict === "ok" || !d || d.verdict !== state.verdict) {
    return clamp(head, MAX_TOOLTIP);
  }
  return clamp(`${head}\n${nextAction(d)}`, MAX_TOOLTIP);
}

/** "45 s", "12 min", "1 h 5 min", "2 h": rounded, seconds only under a minute. */
export function formatDuration(ms: number): string {
  const safe = Number.isFinite(ms) && ms > 0 ? ms : 0;
  const seconds = Math.round(safe / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.max(1, Math.round(safe / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** 24-hour local wall-clock time, "21:04". */
export function clock(at: Date): string {
  return `${String(at.getHours()).padStart(2, "0")}:${String(at.getMinutes()).padStart(2, "0")}`;
}

function nextAction(d: Diagnosis, max = MAX_BODY): string {
  const advice = plain(d.advice[0]?.text ?? "");
  return clamp(advice === "" ? VERDICT_ACTIONS[d.verdict] : advice, max);
}

function describeHeld(e: HeldEvent): string {
  const at = clock(e.at);
  switch (e.kind) {
    case "drop":
      return `${at} ${VERDICT_SHORT[e.verdict]}`;
    case "change":
      return `${at} now: ${VERDICT_SHORT[e.verdict]}`;
    case "recovery":
      return `${at} back after ${formatDuration(e.durationMs)}`;
    case "maintenance":
      return `${at} BSG maintenance`;
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
function clamp(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, "")}…`;
}
