/**
 * One root logger: JSON lines in `<data dir>/logs` through winston-daily-rotate-file (size-capped; the built-in
 * File transport's `maxsize` loses startup bursts, platform-notes §6). The console stays for people: the CLI
 * prints its own readable output, so console logging is off unless asked for.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import winston from "winston";
import DailyRotateFile from "winston-daily-rotate-file";
import { redactText } from "./redact.js";

export type Logger = winston.Logger;

export interface LoggerOptions {
  dataDir: string | null;
  level?: string;
  /** Mirror log lines to stderr (for `--verbose`). */
  console?: boolean;
  component?: string;
}

/** Scrubs user names, tokens and ids from every message and string field before it is written. */
const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    const value = info[key];
    if (typeof value === "string") info[key] = redactText(value);
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
        maxFiles: "14d",
        auditFile: join(dir, ".audit.json"),
        zippedArchive: false,
      }),
    );
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
    format: combine(defaultComponent({ component: opts.component ?? "agent" }), redactFormat(), timestamp(), errors({ stack: true }), json()),
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
