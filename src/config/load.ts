/**
 * Loads and validates the config file. Bad config is a usage error (exit 2) whose message names the key, what was
 * expected and what was found; nothing is ever written back.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { failure, success, type Outcome } from "../core/outcome.js";
import { configSchema, targetSchema, type ResolvedConfig, type TargetConfig } from "./schema.js";

/** Repository / install root: `dist/config/load.js` → two levels up. */
export const installRoot = (): string => join(dirname(fileURLToPath(import.meta.url)), "..", "..");

const catalogSchema = z.object({
  version: z.literal(1),
  targets: z.array(targetSchema.extend({ role: z.string(), confidence: z.string(), source: z.string() }).strict()),
});

/** The default targets shipped in catalog/hosts.json, without their provenance fields. */
export function loadCatalog(path = join(installRoot(), "catalog", "hosts.json")): TargetConfig[] {
  // A broken catalogue is a packaging bug, not a player mistake: let it throw at startup.
  const parsed = catalogSchema.parse(JSON.parse(readFileSync(path, "utf8")));
  return parsed.targets.map(({ id, group, url }) => ({ id, group, url }));
}

const describe = (value: unknown): string => {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

const valueAt = (root: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>((node, key) => (node !== null && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[key] : undefined), root);

const keyPath = (path: readonly PropertyKey[]): string =>
  path.length === 0 ? "(top level)" : path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");

/** What the key should have held, in words a player can act on. */
function expectation(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.expected === "int" ? "a whole number" : `${/^[aeiou]/.test(issue.expected) ? "an" : "a"} ${issue.expected}`;
    case "too_small":
      if (issue.origin === "array") return `a list with at least ${String(issue.minimum)} item(s)`;
      if (issue.origin === "string") return "a non-empty text";
      return `a number of at least ${String(issue.minimum)}`;
    case "too_big":
      if (issue.origin === "array") return `a list with at most ${String(issue.maximum)} items`;
      if (issue.origin === "string") return `a text of at most ${String(issue.maximum)} characters`;
      return `a number of at most ${String(issue.maximum)}`;
    case "invalid_value":
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_format":
      return issue.format === "url" ? "an http(s) URL" : `text in ${issue.format} format`;
    default:
      return issue.message.replace(/^Invalid input: expected /, "");
  }
}

/** One line per problem: `key probe.timeoutMs: expected …, found "fast"`. */
export function formatConfigIssues(error: z.ZodError, input: unknown): string[] {
  return error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      return `key ${keyPath(issue.path)}: unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")} (expected one of the documented keys, see README "Config")`;
    }
    return `key ${keyPath(issue.path)}: expected ${expectation(issue)}, found ${describe(valueAt(input, issue.path))}`;
  });
}

export type ConfigErrorCode = "CONFIG_UNREADABLE" | "CONFIG_NOT_JSON" | "CONFIG_INVALID";

/** Parses raw JSON text (or no file at all) into a resolved config. */
export function parseConfig(text: string | null, source: string, catalog: () => TargetConfig[] = loadCatalog): Outcome<ResolvedConfig, ConfigErrorCode> {
  let input: unknown = {};
  if (text !== null) {
    try {
      input = JSON.parse(text.replace(/^\uFEFF/, "")); // Notepad saves UTF-8 with a BOM
    } catch (e) {
      return failure("CONFIG_NOT_JSON", `${source} is not valid JSON: ${(e as Error).message}`);
    }
  }
  const parsed = configSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    return failure("CONFIG_INVALID", `${source} has ${parsed.error.issues.length === 1 ? "a problem" : "problems"}:\n  ${formatConfigIssues(parsed.error, input).join("\n  ")}`);
  }
  const { targets, ...rest } = parsed.data;
  return success({ ...rest, targets: targets ?? catalog() });
}

/** Reads `--config FILE` or `TARKOV_AGENT_CONFIG`; no file means the built-in defaults. */
export function loadConfig(path: string | undefined): Outcome<ResolvedConfig, ConfigErrorCode> {
  if (path === undefined || path === "") return parseConfig(null, "defaults");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    return failure("CONFIG_UNREADABLE", `cannot read config file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseConfig(text, `config file ${path}`);
}

/** Per-user state folder: %LOCALAPPDATA%\tarkov-connection-agent on Windows, the XDG state dir elsewhere. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = env.HOME ?? env.USERPROFILE ?? "."): string {
  const name = "tarkov-connection-agent";
  if (platform === "win32") return join(env.LOCALAPPDATA ?? join(home, "AppData", "Local"), name);
  return join(env.XDG_STATE_HOME ?? join(home, ".local", "state"), name);
}
