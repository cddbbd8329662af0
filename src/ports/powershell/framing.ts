/**
 * Framing of one command in a persistent PowerShell session: where its output starts and ends on stdout and stderr.
 *
 * Why our own and not node-powershell's: child-shell 5.0.0 (under node-powershell 5.0.1) looks for its end marker
 * only in the last bytes of the buffer (`readBulkFromOutput`), and pwsh on Linux writes `ESC[?1h`/`ESC[?1l`
 * (keypad mode) around every line it reads when TERM names a real terminal. When the marker and those bytes arrive
 * in one chunk the marker is no longer at the end, the call never completes and ends as a spurious timeout (up to
 * 19 of 200 calls under load). Here the markers are distinct (BEGIN/END with a fresh nonce) and are searched for
 * anywhere in what arrived, so nothing the shell adds around them can hide them.
 */
import { randomBytes } from "node:crypto";

/** ANSI/VT control sequences: CSI (`ESC [ … final`), OSC (`ESC ] … BEL|ST`), two-byte escapes, and 8-bit CSI. */
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;

/** Removes terminal control sequences (colours, keypad mode, titles) so they never reach the journal or the log. */
export function stripAnsi(s: string): string {
  return s.replace(ANSI, "");
}

/** A fresh marker pair for one command. The nonce is hex: nothing in it needs quoting. */
export interface Frame {
  begin: string;
  end: string;
}
export function newFrame(): Frame {
  const nonce = randomBytes(8).toString("hex");
  return { begin: `AGENT-BEGIN-${nonce}`, end: `AGENT-END-${nonce}` };
}

/**
 * The lines that run `command` inside a frame: the markers are written by separate statements so a command that
 * fails to parse or throws still lets the END markers run (each stdin line is its own statement in `-Command -`).
 */
export function framedLines(command: string, frame: Frame): string[] {
  const write = (marker: string) => `[Console]::Out.WriteLine('${marker}'); [Console]::Error.WriteLine('${marker}')`;
  return [write(frame.begin), command, write(frame.end)];
}

/** How much of one stream's framed output is kept (the rest of a chatty command is only log material). */
const KEEP = 256 * 1024;

/**
 * Collects one stream (stdout or stderr) of a session and cuts out a frame's content once both of its markers
 * have arrived, wherever they are in the chunks and whatever surrounds them.
 */
export class FrameReader {
  private buf = "";
  private frame: Frame | null = null;
  private dropped = 0;

  /** Starts waiting for a frame; anything received before its BEGIN marker is discarded. */
  expect(frame: Frame): void {
    this.frame = frame;
    this.dropped = 0;
  }

  /** Adds a chunk. Returns true once the expected frame is complete. */
  push(chunk: string): boolean {
    this.buf += chunk;
    if (this.frame === null) {
      // Between commands nothing should arrive; keep only a tail so a marker split across chunks still matches.
      if (this.buf.length > KEEP) this.buf = this.buf.slice(-KEEP);
      return false;
    }
    const at = this.buf.indexOf(this.frame.begin);
    if (at === -1) {
      if (this.buf.length > this.frame.begin.length * 2) this.buf = this.buf.slice(-this.frame.begin.length * 2);
      return false;
    }
    if (at > 0) this.buf = this.buf.slice(at);
    if (this.buf.length > KEEP * 2) {
      // Keep the marker and the newest output; the END marker is searched for in the newest part only.
      const cut = this.buf.length - KEEP;
      this.dropped += cut - this.frame.begin.length;
      this.buf = this.frame.begin + this.buf.slice(cut);
    }
    return this.buf.indexOf(this.frame.end, this.frame.begin.length) !== -1;
  }

  /** True when the expected frame's END marker has arrived. */
  get complete(): boolean {
    return this.frame !== null && this.buf.startsWith(this.frame.begin) && this.buf.indexOf(this.frame.end, this.frame.begin.length) !== -1;
  }

  /**
   * The frame's content without markers and control sequences (what arrived so far when the frame is
   * incomplete), and stops waiting; what followed the END marker stays for the next frame's discard.
   */
  take(): string {
    const frame = this.frame;
    this.frame = null;
    if (frame === null) return "";
    const start = this.buf.startsWith(frame.begin) ? frame.begin.length : -1;
    if (start === -1) {
      this.buf = "";
      return "";
    }
    const endAt = this.buf.indexOf(frame.end, start);
    const body = this.buf.slice(start, endAt === -1 ? undefined : endAt);
    this.buf = endAt === -1 ? "" : this.buf.slice(endAt + frame.end.length);
    const text = stripAnsi(body).replace(/^\r?\n/, "").replace(/\r?\n$/, "");
    return this.dropped > 0 ? `[… ${this.dropped} characters not kept …]\n${text}` : text;
  }

  /** Everything received and not yet taken, cleaned (for a shell that died mid-command). */
  leftover(): string {
    return stripAnsi(this.buf);
  }
}
