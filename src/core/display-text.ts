/**
 * Text from the network or the game (BSG status messages, certificate issuer/subject, game-log lines) made safe to
 * show: in a terminal, a toast, the tray, a report. Without this a status message can retitle and clear the
 * player's terminal (OSC 0, CSI 2J), hide text (bidi overrides, "Trojan Source"), or forge a line (a bare CR).
 * Pure; applied at the sinks, so the data itself (logs, JSON) keeps what was received.
 */

export interface DisplayOptions {
  /** Keep line breaks (reports, toast bodies, tooltips); otherwise every line break becomes a space. */
  multiline?: boolean;
  /** Cut to this many characters (code points), ending with "…". */
  maxLength?: number;
}

// ESC sequences: CSI (ESC [ params intermediates final), OSC (ESC ] … BEL/ST; unterminated runs to the end),
// DCS/SOS/PM/APC (ESC P/X/^/_ … ST), and two/three-byte escapes (ESC c, ESC ( B). Then their 8-bit C1 forms.
// Every part is a run of one character class after a literal introducer: linear.
const ESCAPE_SEQUENCES = new RegExp(
  [
    "\\u001b\\[[0-?]*[ -/]*[@-~]?",
    "\\u001b\\][^\\u0007\\u001b\\u009c]*(?:\\u0007|\\u001b\\\\|\\u009c)?",
    "\\u001b[PX^_][^\\u001b\\u009c]*(?:\\u001b\\\\|\\u009c)?",
    "\\u001b[ -/]*[0-~]?",
    "\\u009b[0-?]*[ -/]*[@-~]?",
    "\\u009d[^\\u0007\\u001b\\u009c]*(?:\\u0007|\\u001b\\\\|\\u009c)?",
    "[\\u0090\\u0098\\u009e\\u009f][^\\u001b\\u009c]*(?:\\u001b\\\\|\\u009c)?",
  ].join("|"),
  "g",
);

/** C0 controls but tab and line feed, DEL, C1 controls. */
// eslint-disable-next-line no-control-regex -- finding control characters is this pattern's whole job
const CONTROL = new RegExp("[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f]", "g");
/** Bidirectional controls (overrides, embeddings, isolates, marks) and invisible characters that hide text (the
 * zero-width joiners stay: emoji and several scripts need them). */
const BIDI_AND_INVISIBLE = /[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
/** Lone surrogate halves (broken UTF-16): shown as the replacement character. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `text` without escape sequences, control characters and bidi overrides; see the file comment. */
export function sanitizeForDisplay(text: string, opts: DisplayOptions = {}): string {
  let out = String(text)
    .replace(ESCAPE_SEQUENCES, "")
    .replace(/\r\n?/g, "\n")
    .replace(/[\u0085\u2028\u2029]/g, "\n");
  if (opts.multiline !== true) out = out.replace(/[\t\n]/g, " ");
  out = out.replace(CONTROL, "").replace(BIDI_AND_INVISIBLE, "").replace(LONE_SURROGATE, "\ufffd");
  if (opts.maxLength !== undefined) {
    const chars = [...out];
    if (chars.length > opts.maxLength) out = `${chars.slice(0, Math.max(0, opts.maxLength - 1)).join("")}…`;
  }
  return out;
}

/** Characters JSON.stringify leaves raw that a terminal still acts on (C1 controls, bidi, invisible). */
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/**
 * `JSON.stringify(value)` safe to print on a terminal: the same data (a JSON reader gets every character back),
 * with the characters a terminal would act on written as `\uXXXX` escapes.
 */
export function jsonForTerminal(value: unknown, space?: number): string {
  const json = JSON.stringify(value, null, space) ?? "null";
  return json.replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
