/**
 * The agent's default redactor: the engine in src/core/redact with this machine's user names. Every writer goes
 * through here (logs via src/log.ts, incidents, the journal's free text); bundles build their own redactor from
 * the same engine with the addresses and SSIDs they know (see src/core/redact/index.ts).
 */
import { userInfo } from "node:os";
import { basename } from "node:path";
import { createRedactor, type Redactor } from "./core/redact/index.js";

export * from "./core/redact/index.js";

/** Names the current OS user goes by: the account name, USERNAME/USER, and the home folder's name. */
export function osUserNames(env: NodeJS.ProcessEnv = process.env): string[] {
  const names = new Set<string>();
  try {
    const info = userInfo();
    names.add(info.username);
    if (info.homedir) names.add(basename(info.homedir));
  } catch {
    // No passwd entry (containers): the environment still says who we are.
  }
  for (const v of [env.USERNAME, env.USER, env.LOGNAME]) if (v) names.add(v);
  // Split on both separators: a Windows USERPROFILE seen from anywhere.
  for (const v of [env.USERPROFILE, env.HOME]) if (v) names.add(v.split(/[\\/]+/).filter(Boolean).pop() ?? "");
  return [...names].filter((n) => n.trim() !== "");
}

let shared: Redactor | null = null;

/** The process-wide redactor (built on first use): all default rules plus this machine's user names. */
export function defaultRedactor(): Redactor {
  shared ??= createRedactor({ userNames: osUserNames() });
  return shared;
}

/** Returns `text` with personal data replaced by placeholders. Idempotent. */
export function redactText(text: string): string {
  return defaultRedactor().text(text);
}

/** A redacted deep copy of `value` (see `Redactor.value`). */
export function redactValue<T>(value: T): T {
  return defaultRedactor().value(value);
}
