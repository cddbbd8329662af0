/**
 * One root logger: JSON lines in `<data dir>/logs` through winston-daily-rotate-file (size-capped; the built-in
 * File transport's `maxsize` loses startup bursts, platform-notes §6). The console stays for people: the CLI
 * prints its own readable output, so console logging is off unless asked for.
 */
import { mkdirSync, readdirSync, statSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import winston from "winston";
import DailyRotateFile from "winston-daily-rotate-file";
import { defaultRedactor, type Redactor } from "./redact.js";

export type Logger = winston.Logger;

export interface LoggerOptions {
  dataDir: string | null;
  level?: string;
  /** Mirror log lines to stderr (for `--verbose`). */
  console?: boolean;
  component?: string;
  /** The redactor every line goes through (default: the agent's, src/redact.ts). */
  redactor?: Redactor;
}

/** Fields winston and this module set themselves: nothing personal can be in them. */
const OWN_FIELDS = new Set(["level", "timestamp", "component"]);

/**
 * Scrubs every field of a line, however deep: nested objects and arrays, Error messages and stacks (winston's
 * `errors` format has already copied a logged Error's stack into `stack`), Maps and Sets. Runs last before
 * `json()`, so nothing added by an earlier format escapes it. The line object itself stays (winston keeps its
 * level and message under Symbol keys on it); its fields are replaced by redacted copies.
 */
const redactFormat = winston.format((info, opts: unknown) => {
  const redactor = (opts as { redactor: Redactor }).redactor;
  for (const key of Object.keys(info)) {
    if (OWN_FIELDS.has(key) && typeof info[key] === "string") continue;
    info[key] = redactor.value(info[key]);
  }
  return info;
});

/** The command's component unless a child logger named its own (winston's defaultMeta would overwrite children). */
const defaultComponent = winston.format((info, opts: unknown) => {
  if (info.component === undefined) info.component = (opts as { component?: string }).component ?? "agent";
  return info;
});

export function logsDir(dataDir: string): string {
  return join(dataDir, "logs");
}

/** How long the agent's own log files are kept. */
export const LOG_RETENTION_DAYS = 14;
const LOG_FILE = /^agent-\d{4}-\d{2}-\d{2}\.log(?:\.\d+)?$/;

/**
 * Deletes log files older than {@link LOG_RETENTION_DAYS}, and the rotator's `.audit.json` an older version left
 * (it lists the files by absolute path, user name included). Housekeeping: a failure is ignored.
 */
export function pruneOldLogs(dir: string, now: number = Date.now()): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const cutoff = now - LOG_RETENTION_DAYS * 24 * 60 * 60 * 1000;
  for (const name of names) {
    try {
      if (name === ".audit.json" || (LOG_FILE.test(name) && statSync(join(dir, name)).mtimeMs < cutoff)) unlinkSync(join(dir, name));
    } catch {
      // gone already, or not ours to delete: try again at the next rotation
    }
  }
}

export function createLogger(opts: LoggerOptions): Logger {
  const { combine, timestamp, errors, json } = winston.format;
  const transports: winston.transport[] = [];
  if (opts.dataDir !== null) {
    const dir = logsDir(opts.dataDir);
    mkdirSync(dir, { recursive: true });
    transports.push(
      new DailyRotateFile({
        dirname: dir,
        filename: "agent-%DATE%.log",
        datePattern: "YYYY-MM-DD",
        maxSize: "10m",
        // No maxFiles: the rotator's retention keeps an .audit.json with every log file's absolute path, which
        // on Windows names the user's profile folder. pruneOldLogs keeps the same 14 days instead.
        zippedArchive: false,
      }),
    );
    transports[0]!.on("rotate", () => pruneOldLogs(dir));
    pruneOldLogs(dir);
  }
  if (opts.console) transports.push(new winston.transports.Console({ stderrLevels: ["error", "warn", "info", "debug"] }));
  if (transports.length === 0) transports.push(new winston.transports.Console({ silent: true }));
  // A log file that cannot be written (disk full, folder deleted, permissions) must never take the agent down.
  const report = (e: Error) => void process.stderr.write(`tarkov-agent: logging failed: ${e.message}\n`);
  for (const t of transports) {
    t.on("error", report);
    (t as unknown as { logStream?: NodeJS.EventEmitter }).logStream?.on("error", report);
  }
  const logger = winston.createLogger({
    level: opts.level ?? "info",
    format: combine(
      defaultComponent({ component: opts.component ?? "agent" }),
      timestamp(),
      errors({ stack: true }),
      redactFormat({ redactor: opts.redactor ?? defaultRedactor() }),
      json(),
    ),
    exitOnError: false,
    transports,
  });
  logger.on("error", report);
  return logger;
}

/**
 * Waits until every line is on disk; call before the process exits. The logger's and even the transport's first
 * `finish` fire before the rotating file is written (platform-notes §6 and measured here), so wait for the
 * underlying file stream's `close` (or its `error`: a full disk never closes cleanly), capped at 3 s so a stuck disk
 * cannot hang shutdown. The cap's timer is NOT unref'd: when the stream is dead, it is the only thing keeping the
 * event loop alive, and an unref'd one let Node exit mid-await with code 13 instead of the command's own code.
 */
export async function closeLogger(logger: Logger, capMs = 3_000): Promise<void> {
  const flushed = logger.transports.map((t) => {
    const stream = (t as unknown as { logStream?: NodeJS.WritableStream & { closed?: boolean; destroyed?: boolean } }).logStream;
    const source: NodeJS.EventEmitter = stream ?? t;
    return new Promise<void>((resolve) => {
      if (stream?.closed === true || stream?.destroyed === true) return resolve();
      source.once("close", () => resolve());
      source.once("error", () => resolve());
      if (stream === undefined) source.once("finish", () => resolve());
    });
  });
  logger.end();
  let timer: NodeJS.Timeout | undefined;
  const cap = new Promise<void>((resolve) => (timer = setTimeout(resolve, capMs)));
  await Promise.race([Promise.all(flushed), cap]);
  clearTimeout(timer);
}
