/**
 * The bundle's use of the one redaction engine (src/core/redact): how its redactor is configured for a bundle, and
 * how a chunk of a log is redacted line by line. Pure (no I/O): the same `redactChunk` runs in-process and in the
 * redaction workers (./redaction-pool.ts), so both give byte-identical output.
 *
 * What a bundle's redactor knows besides the engine's rules: the OS user's names (removed anywhere), the Wi-Fi
 * names the network snapshot shows, and the public addresses to KEEP because they are BSG's: the servers the agent
 * probed (from its history), the raid servers the game named (game facts, the running game watch) and every address
 * the game's own connection lines name anywhere in the bundled logs (a first pass with `gameServerAddresses`, so a
 * raid server is kept even in a line that comes before the one that names it).
 */
import { describeRules, type RedactionDetail, type Redactor, type RedactorOptions, type RuleId, createRedactor } from "../core/redact/index.js";

export const ENGINE_NAME = "tarkov-connection-agent redaction engine (src/core/redact)";

export interface BundleRedactorOptions {
  /** False: nothing is redacted (`--no-redact`). */
  enabled: boolean;
  /** The OS user's names (account, USERNAME, profile folder). */
  userNames: readonly string[];
  /** Wi-Fi names the network snapshot shows. */
  ssids: readonly string[];
  /** Public addresses to keep: BSG's servers, raid servers. */
  keepAddresses: readonly string[];
}

/** The engine's options for a bundle (plain data: they are sent to the workers as they are). */
export function engineOptions(o: BundleRedactorOptions): RedactorOptions {
  return { enabled: o.enabled, userNames: [...o.userNames], ssids: [...o.ssids], keepAddresses: [...o.keepAddresses] };
}

/** The engine's redactor for a bundle. */
export function createBundleRedactor(o: BundleRedactorOptions): Redactor {
  return createRedactor(engineOptions(o));
}

/** Rule ids with their descriptions (several patterns share an id), for the manifest's legend. */
export function ruleLegend(o: BundleRedactorOptions): { id: RuleId; description: string }[] {
  const byId = new Map<RuleId, string[]>();
  for (const r of describeRules(engineOptions(o))) byId.set(r.id, [...(byId.get(r.id) ?? []), r.description]);
  return [...byId].map(([id, d]) => ({ id, description: d.join("; ") }));
}

/** Which lines of a file go in. */
export type LineFilter = "all" | "connection-lines";

const CONNECTION_LINE = /websocket|\bping\b|channel|connect|dispose|time[d ]?out|\btls\b|\bssl\b|handshake|error|exception|fail|clos/i;
const RECORD_HEAD = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}/;

/**
 * Push-notification lines: connection events only, never their JSON payloads (teammates' names, inventories).
 * Continuation lines are payloads; a head line keeps only the text before its payload starts (a `{`, or a `[` that
 * opens a JSON list: "channel has been [dropped]" is words, not a payload).
 */
export function connectionLine(line: string): string | null {
  if (!RECORD_HEAD.test(line)) return null;
  if (!CONNECTION_LINE.test(line)) return null;
  return withoutPayload(line);
}

/** `text` up to where a notification payload starts (see {@link connectionLine}), marked when one was cut. */
export function withoutPayload(text: string): string {
  const brace = text.search(/\{|\[(?=\s*[{"\]])/);
  return brace === -1 ? text : `${text.slice(0, brace).trimEnd()} [payload left out]`;
}

/** One redacted line for `--preview`: where, which rules, and the line before (secrets masked) and after. */
export interface LinePreview {
  /** Line number within the chunk, from 0. */
  line: number;
  rules: Pick<RedactionDetail, "ruleId" | "secretHint" | "replacement">[];
  before: string;
  after: string;
}

export interface ChunkResult {
  text: string;
  /** Lines in the output (the last one may lack a newline). */
  lines: number;
  hits: Partial<Record<RuleId, number>>;
  previews: LinePreview[];
}

/**
 * An EFT log record head: `2025-12-08 15:01:56.925|1.0.0.2.42157|Info|backend|` (an offset after the time and the
 * version are optional). Dates, a version, a level word and a channel word: nothing a rule could take, and no rule
 * needs to see it (each pattern's look-behind accepts the start of the message as it accepts the `|` before it), so
 * the ~50 characters of every line need not be scanned. The version has exactly five parts, as the game's do: a
 * four-part one would be an IPv4 address in the version's place, and that is left to the rules.
 */
const EFT_RECORD_HEAD = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}(?: [+-]\d\d:\d\d)?\|(?:\d{1,5}(?:\.\d{1,6}){4}\|)?[A-Za-z]{1,12}\|[a-z-]{1,32}\|/;

/** Length of the line's EFT record head, 0 when it has none. */
export function recordHeadLength(line: string): number {
  const c = line.charCodeAt(0);
  if (c < 48 || c > 57) return 0;
  return EFT_RECORD_HEAD.exec(line)?.[0].length ?? 0;
}

/** At most this many preview lines per chunk (the bundle keeps fewer overall). */
const PREVIEW_PER_CHUNK = 2_000;
const PREVIEW_WIDTH = 240;

/** A long line cut to the part around its first change, the same cut for before and after. */
export function clipPair(before: string, after: string, width = PREVIEW_WIDTH): { before: string; after: string } {
  if (before.length <= width && after.length <= width) return { before, after };
  let at = 0;
  while (at < before.length && at < after.length && before[at] === after[at]) at++;
  const start = Math.max(0, at - Math.floor(width / 3));
  const cut = (s: string) => `${start > 0 ? "…" : ""}${s.slice(start, start + width)}${s.length > start + width ? "…" : ""}`;
  return { before: cut(before), after: cut(after) };
}

/**
 * Redacts `text` line by line (a line is what ends with `\n`; a `\r` before it is kept as it is, so Windows line
 * ends survive byte for byte). The counts are the engine's own totals for this chunk. With `details`, every line
 * that changed gives a preview with its secrets masked.
 */
export function redactChunk(redactor: Redactor, text: string, opts: { filter?: LineFilter; details?: boolean } = {}): ChunkResult {
  const filter = opts.filter ?? "all";
  const details = opts.details === true;
  const previews: LinePreview[] = [];
  if (!redactor.enabled && filter === "all") return { text, lines: countLines(text), hits: {}, previews };
  const before = redactor.counts();
  const parts = text.split("\n");
  const out: string[] = [];
  const last = parts.length - 1;
  for (let i = 0; i <= last; i++) {
    let line = parts[i]!;
    // The piece after the last newline is empty when the chunk ends with one.
    if (i === last && line === "") break;
    const cr = line.endsWith("\r");
    if (cr) line = line.slice(0, -1);
    if (filter === "connection-lines") {
      const kept = connectionLine(line);
      if (kept === null) continue;
      line = kept;
    }
    // The game's record head (time, version, level, channel) holds nothing personal: only the message is redacted.
    const head = recordHeadLength(line);
    if (head > 0) {
      const message = line.slice(head);
      const r = details ? redactor.redact(message, { details: true }) : null;
      const after = r === null ? redactor.text(message) : r.text;
      if (r?.details && r.details.length > 0 && previews.length < PREVIEW_PER_CHUNK) {
        const prefix = line.slice(0, head);
        previews.push({ line: out.length, rules: r.details.map((d) => ({ ruleId: d.ruleId, secretHint: d.secretHint, replacement: d.replacement })), ...clipPair(prefix + (r.before ?? ""), prefix + after) });
      }
      out.push(`${line.slice(0, head)}${after}${cr ? "\r" : ""}${i < last ? "\n" : ""}`);
      continue;
    }
    let redacted: string;
    if (details) {
      const r = redactor.redact(line, { details: true });
      redacted = r.text;
      if (r.details && r.details.length > 0 && previews.length < PREVIEW_PER_CHUNK) {
        previews.push({ line: out.length, rules: r.details.map((d) => ({ ruleId: d.ruleId, secretHint: d.secretHint, replacement: d.replacement })), ...clipPair(r.before ?? "", redacted) });
      }
    } else redacted = redactor.text(line);
    // Every line but the last one of the chunk ended with a newline in the input, and does so in the output.
    out.push(`${redacted}${cr ? "\r" : ""}${i < last ? "\n" : ""}`);
  }
  const after = redactor.counts();
  const hits: Partial<Record<RuleId, number>> = {};
  for (const [k, v] of Object.entries(after) as [RuleId, number][]) {
    const d = v - (before[k] ?? 0);
    if (d > 0) hits[k] = d;
  }
  return { text: out.join(""), lines: out.length, hits, previews };
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++;
  return text.endsWith("\n") || text === "" ? n : n + 1;
}

/** Sums rule counts. */
export function addCounts(into: Partial<Record<RuleId, number>>, from: Partial<Record<RuleId, number>>): void {
  for (const [k, v] of Object.entries(from) as [RuleId, number][]) into[k] = (into[k] ?? 0) + v;
}
