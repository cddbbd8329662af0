/**
 * The `--events json` contract: one JSON object per line on stdout for each confirmed change. Scripts and the
 * end-to-end tests read it, so fields are only ever added, never renamed. The connection events (`agentEventSchema`:
 * down, verdict, up, maintenance, reminder) have `event`, `verdict`, `at` (ISO time of the confirmation) and
 * `incidentId` (null only for a maintenance notice outside an incident). The `game` event says what the agent
 * believes the game is doing (it decides whether toasts wait); `streamEventSchema` is every line of the stream.
 */
import { z } from "zod";
import { RAID_PHASES, type PhaseChange } from "../core/eft-log.js";
import { VERDICT_IDS } from "../core/types.js";

const verdict = z.enum(VERDICT_IDS);
const isoTime = z.iso.datetime({ offset: true });
const advice = z.object({ step: z.number().int().nullable(), text: z.string(), fixId: z.string().optional() });

/** The connection dropped: `failureThreshold` consecutive failed checks. */
export const downEventSchema = z.object({
  event: z.literal("down"),
  verdict,
  at: isoTime,
  incidentId: z.string().min(1),
  /** First failed check of the confirming streak: when the outage began, as far as the agent can tell. */
  since: isoTime,
  headline: z.string(),
  /** The single most useful next action (the diagnosis' first advice), null when it gave none. */
  advice: advice.nullable(),
  confidence: z.enum(["high", "medium", "low"]),
});

/** The cause changed during an incident (seen on two consecutive checks). */
export const verdictEventSchema = z.object({
  event: z.literal("verdict"),
  verdict,
  previousVerdict: verdict,
  at: isoTime,
  incidentId: z.string().min(1),
  headline: z.string(),
  advice: advice.nullable(),
  confidence: z.enum(["high", "medium", "low"]),
});

/** The connection is back: `successThreshold` consecutive healthy checks. */
export const upEventSchema = z.object({
  event: z.literal("up"),
  verdict,
  /** The incident's last cause. */
  previousVerdict: verdict,
  at: isoTime,
  incidentId: z.string().min(1),
  /** From the first failed check to the first healthy one, without sleep/pause gaps. */
  durationMs: z.number().int().nonnegative(),
  since: isoTime,
});

/** BSG announces maintenance on its status page: once per maintenance, with BSG's own text. */
export const maintenanceEventSchema = z.object({
  event: z.literal("maintenance"),
  verdict: z.literal("maintenance"),
  at: isoTime,
  incidentId: z.string().min(1).nullable(),
  message: z.string(),
});

/** Still down after `monitor.reminderMinutes` (off by default). */
export const reminderEventSchema = z.object({
  event: z.literal("reminder"),
  verdict,
  at: isoTime,
  incidentId: z.string().min(1),
  /** Outage so far, without gaps. */
  durationMs: z.number().int().nonnegative(),
  headline: z.string(),
});

/** Any line of `--events json`. */
export const agentEventSchema = z.discriminatedUnion("event", [
  downEventSchema,
  verdictEventSchema,
  upEventSchema,
  maintenanceEventSchema,
  reminderEventSchema,
]);

export type AgentEvent = z.infer<typeof agentEventSchema>;

const raidPhase = z.enum(RAID_PHASES);

/**
 * The game's phase changed, as the agent reads it from the game's logs: on each change, and once at start-up when
 * the recent log shows a raid or matching already under way. While not `idle`, toasts wait (bounded, see README).
 */
export const gameEventSchema = z.object({
  event: z.literal("game"),
  phase: raidPhase,
  previousPhase: raidPhase,
  /** ISO time of the log line that changed it (or of the check, for `stale-timer`). */
  at: isoTime,
  /**
   * What changed it: `<log channel>: <marker>` (`network-connection: Disconnect`, `push-notifications:
   * UserMatchOver`, `application: CompleteSelectedProfile`), `stale-timer`, or `start-up: <marker>`.
   */
  source: z.string().min(1),
});

/** Any line of `--events json`: a connection event or a game phase event. */
export const streamEventSchema = z.discriminatedUnion("event", [
  downEventSchema,
  verdictEventSchema,
  upEventSchema,
  maintenanceEventSchema,
  reminderEventSchema,
  gameEventSchema,
]);

export type GamePhaseEvent = z.infer<typeof gameEventSchema>;
export type StreamEvent = z.infer<typeof streamEventSchema>;

/** The `game` line for a phase change. */
export function gamePhaseEvent(change: PhaseChange): GamePhaseEvent {
  return { event: "game", phase: change.to, previousPhase: change.from, at: new Date(change.at).toISOString(), source: change.source };
}
export type DownEvent = z.infer<typeof downEventSchema>;
export type UpEvent = z.infer<typeof upEventSchema>;
export type VerdictEvent = z.infer<typeof verdictEventSchema>;
export type MaintenanceEvent = z.infer<typeof maintenanceEventSchema>;
export type ReminderEvent = z.infer<typeof reminderEventSchema>;

/** One line of `--events json` (no trailing newline). */
export function formatEventLine(e: AgentEvent): string {
  return JSON.stringify(e);
}

/** Parses one line; null when it is not a valid connection event (for tests and scripts that read the stream). */
export function parseEventLine(line: string): AgentEvent | null {
  try {
    const r = agentEventSchema.safeParse(JSON.parse(line));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/** Parses one line of the stream, `game` lines included; null when it is not a valid line. */
export function parseStreamLine(line: string): StreamEvent | null {
  try {
    const r = streamEventSchema.safeParse(JSON.parse(line));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/** An `onEvent` sink that writes JSON lines, e.g. `jsonLinesSink((s) => process.stdout.write(s))`. */
export function jsonLinesSink(write: (chunk: string) => void): (e: AgentEvent) => void {
  return (e) => write(`${formatEventLine(e)}\n`);
}
