/**
 * How the CLI ends when something goes wrong: one plain line on stderr (or, for `--json`, one JSON error object on
 * stdout) and a documented exit code. A stack trace is printed only for a real bug.
 *
 * Exit codes: 0 ok · 1 a problem verdict, or the command failed · 2 usage or config error · 3 the agent's own files
 * (data folder, journal, incidents) cannot be read or written.
 */
import { CommanderError } from "commander";
import { StateFileError } from "../agent/file-errors.js";
import { jsonOut } from "./json-out.js";

export const EXIT = { ok: 0, problem: 1, usage: 2, files: 3 } as const;

/** A usage or config mistake: the message names the option or key, what was expected and what was found. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  constructor(
    message: string,
    readonly code: string = "USAGE",
  ) {
    super(message);
  }
}

/** What one failure becomes: the line for people, the code for scripts, the exit code. */
export interface Failure {
  code: string;
  message: string;
  exit: number;
  /** A bug: print the stack so it can be reported. */
  bug: boolean;
}

/** Classifies anything a command threw. */
export function describeFailure(e: unknown): Failure {
  if (e instanceof CommanderError) return { code: "USAGE", message: e.message.replace(/^error: /, ""), exit: e.exitCode === 0 ? EXIT.ok : EXIT.usage, bug: false };
  if (e instanceof UsageError) return { code: e.code, message: e.message, exit: EXIT.usage, bug: false };
  if (e instanceof StateFileError) return { code: e.code, message: e.message, exit: EXIT.files, bug: false };
  const err = e instanceof Error ? e : new Error(String(e));
  return { code: "UNEXPECTED", message: `unexpected error (a bug, please report it): ${err.message}`, exit: EXIT.problem, bug: true };
}

/** The `--json` error object: `{"schema":1,"error":{"code","message"}}` (README "diagnose --json schema"). */
export const jsonError = (f: Pick<Failure, "code" | "message">): string => jsonOut({ schema: 1, error: { code: f.code, message: f.message } });

/** Global options that take a value: their value is not a command word. */
export const VALUE_OPTIONS = new Set(["-c", "--config", "--data-dir"]);

/** The command words of an argv (`["fix", "history"]`), skipping global options and their values. */
export function commandWords(args: readonly string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") break;
    if (VALUE_OPTIONS.has(a)) i++;
    else if (!a.startsWith("-")) words.push(a);
  }
  return words;
}

/** Did the user ask for JSON output? Then errors are JSON on stdout too, so a script never parses a sentence. */
export const wantsJson = (args: readonly string[]): boolean => args.includes("--json") && commandWords(args).length > 0;
