/**
 * Log records (eft-facts §5.3): a timestamped head line plus the lines that continue it (JSON bodies, stack frames).
 * Pure: text in, records out.
 */

/** One log record: the timestamped head line plus any continuation lines (JSON bodies, stack frames). */
export interface LogRecord {
  /** Timestamp exactly as written, `YYYY-MM-DD HH:MM:SS.mmm`. */
  at: string;
  /** `+HH:MM` on older builds, null on current ones (local time). */
  offset: string | null;
  /** Milliseconds since the epoch; local time when the record carries no offset. */
  epochMs: number;
  /** Full game version, null on 0.16.x / Arena records that omit it. */
  version: string | null;
  level: string;
  channel: string;
  /** The message part of the head line. */
  message: string;
  /** Lines that followed the head without a timestamp of their own. */
  continuation: string[];
}

// All three envelopes (eft-facts §5.3): optional offset, optional version (a version always starts with a digit,
// a level never does, so the two cannot be confused).
const HEAD =
  /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{3})(?: ([+-])(\d{2}):(\d{2}))?\|(?:(\d[\w.]*)\|)?([A-Za-z]+)\|([^|]*)\|(.*)$/;

/** Parses a head line; null when the line does not start a record (it continues the previous one). */
export function parseRecordHead(line: string): Omit<LogRecord, "continuation"> | null {
  const m = HEAD.exec(line);
  if (!m) return null;
  const [y, mo, d, h, mi, s, ms] = m.slice(1, 8).map(Number) as [number, number, number, number, number, number, number];
  let epochMs: number;
  let offset: string | null = null;
  if (m[8] !== undefined) {
    offset = `${m[8]}${m[9]!}:${m[10]!}`;
    const offMin = (Number(m[9]) * 60 + Number(m[10])) * (m[8] === "-" ? -1 : 1);
    epochMs = Date.UTC(y, mo - 1, d, h, mi, s, ms) - offMin * 60_000;
  } else {
    // Current builds write local time; the agent runs on the same machine, so local is right.
    epochMs = new Date(y, mo - 1, d, h, mi, s, ms).getTime();
  }
  return {
    at: line.slice(0, 23),
    offset,
    epochMs,
    version: m[11] ?? null,
    level: m[12]!,
    channel: m[13]!,
    message: m[14]!,
  };
}

/**
 * Streams lines into records. A record is complete once the next head arrives or `flush()` is called (the tailer
 * flushes when a file goes quiet, so a lone last record is not held back). Continuation lines with no open record
 * (the middle of a record we started reading after) are dropped.
 */
export class RecordAssembler {
  #open: LogRecord | null = null;
  /** Caps continuation lines kept per record: a multi-megabyte JSON body is not evidence. */
  constructor(private readonly maxContinuation = 200) {}

  /** Feeds one line (without its newline); returns the record it completed, if any. */
  push(line: string): LogRecord | null {
    const head = parseRecordHead(line);
    if (head) {
      const done = this.#open;
      this.#open = { ...head, continuation: [] };
      return done;
    }
    if (this.#open && this.#open.continuation.length < this.maxContinuation) this.#open.continuation.push(line);
    return null;
  }

  /** Completes and returns the open record, if any. */
  flush(): LogRecord | null {
    const done = this.#open;
    this.#open = null;
    return done;
  }

  get hasOpenRecord(): boolean {
    return this.#open !== null;
  }
}

/** Splits a whole text into records (tests, recent-history scans). */
export function parseRecords(text: string): LogRecord[] {
  const asm = new RecordAssembler();
  const out: LogRecord[] = [];
  for (const line of text.split(/\r?\n/)) {
    const r = asm.push(line);
    if (r) out.push(r);
  }
  const last = asm.flush();
  if (last) out.push(last);
  return out;
}
