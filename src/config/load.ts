/**
 * Loads and validates the config file. Bad config is a usage error (exit 2) whose message names the key, where it
 * is in the file (line and column), what was expected and what was found, and for a typo the nearest known key;
 * the loader never writes (settings are saved by src/config/write.ts, through the same checks).
 */
import { X509Certificate } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { distance } from "fastest-levenshtein";
import { findNodeAtLocation, parse as parseJsonc, parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from "jsonc-parser";
import { z } from "zod";
import { failure, success, type Outcome } from "../core/outcome.js";
import { configSchema, targetSchema, type ResolvedConfig, type TargetConfig, type UnknownKeyParams } from "./schema.js";
import { count } from "../core/i18n/format.js";

/** A config is a few KB; anything near this is not one. */
export const CONFIG_MAX_BYTES = 1024 * 1024;
/** No config key nests deeper than 4; past this a value is rejected before anything recursive touches it. */
export const CONFIG_MAX_DEPTH = 32;
/** A CA bundle larger than this is not what `tls.extraCaFile` is for. */
const CA_FILE_MAX_BYTES = 1024 * 1024;

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
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = "(a value too deeply nested to show)";
  }
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

/** The nearest of `known` to `word`, when it is close enough to be a typo of it. */
export function nearest(word: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = distance(word.toLowerCase(), k.toLowerCase());
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best !== null && bestD <= Math.max(2, Math.floor(best.length / 3)) ? best : null;
}

type AnySchema = z.core.$ZodType;
const defOf = (s: AnySchema) => s._zod.def as unknown as { type: string; innerType?: AnySchema; in?: AnySchema; options?: AnySchema[]; element?: AnySchema; shape?: Record<string, AnySchema>; valueType?: AnySchema };

/** The keys a strict object at `path` of the schema accepts (for "did you mean"); [] when not an object there. */
export function knownKeysAt(schema: AnySchema, path: readonly PropertyKey[]): string[] {
  const unwrap = (s: AnySchema): AnySchema[] => {
    const d = defOf(s);
    if (d.innerType && ["optional", "nullable", "default", "prefault", "readonly", "catch", "nonoptional"].includes(d.type)) return unwrap(d.innerType);
    if (d.type === "pipe" && d.in) return unwrap(d.in);
    if (d.type === "union" && d.options) return d.options.flatMap(unwrap);
    return [s];
  };
  let level = unwrap(schema);
  for (const key of path) {
    level = level.flatMap((s) => {
      const d = defOf(s);
      if (d.type === "object" && d.shape && typeof key === "string" && key in d.shape) return unwrap(d.shape[key]!);
      if (d.type === "array" && d.element && typeof key === "number") return unwrap(d.element);
      if (d.type === "record" && d.valueType) return unwrap(d.valueType);
      return [];
    });
  }
  return level.flatMap((s) => (defOf(s).type === "object" ? Object.keys(defOf(s).shape ?? {}) : []));
}

/** Where a key path sits in the file, as "line L, column C" (1-based), or null. */
export type Locate = (path: readonly PropertyKey[], key?: string) => string | null;

function locator(text: string): Locate {
  let root: JsonNode | undefined;
  try {
    root = parseTree(text, [], { disallowComments: true });
  } catch {
    root = undefined; // the depth guard runs first, so this is only a safety net
  }
  const lineCol = (offset: number): string => {
    let line = 1;
    let last = -1;
    for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) [line, last] = [line + 1, i];
    return `line ${line}, column ${offset - last}`;
  };
  return (path, key) => {
    if (root === undefined) return null;
    const node = findNodeAtLocation(root, path.map((p) => (typeof p === "number" ? p : String(p))));
    if (node === undefined) return null;
    if (key !== undefined && node.type === "object") {
      const prop = node.children?.find((c) => c.children?.[0]?.value === key);
      if (prop?.children?.[0]) return lineCol(prop.children[0].offset);
    }
    // For a value, point at its key when it has one: that is where a person looks.
    const keyNode = node.parent?.type === "property" ? node.parent.children?.[0] : undefined;
    return lineCol((keyNode ?? node).offset);
  };
}

/**
 * The path of a `__proto__` key anywhere (JSON.parse makes it an own key, but copying the value into a new object
 * silently drops it, so a schema check on the copy would never see it); null when none.
 */
export function protoKey(value: unknown): PropertyKey[] | null {
  const stack: { v: unknown; path: PropertyKey[] }[] = [{ v: value, path: [] }];
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, path: [...path, i] }));
    else {
      if (Object.prototype.hasOwnProperty.call(v, "__proto__")) return path;
      for (const [k, x] of Object.entries(v)) stack.push({ v: x, path: [...path, k] });
    }
  }
  return null;
}

/** The path of the first value nested deeper than `max`, found without recursion; null when none. */
export function tooDeep(value: unknown, max: number): PropertyKey[] | null {
  const stack: { v: unknown; path: PropertyKey[] }[] = [{ v: value, path: [] }];
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (path.length >= max) return path;
    if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, path: [...path, i] }));
    else for (const [k, x] of Object.entries(v)) stack.push({ v: x, path: [...path, k] });
  }
  return null;
}

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
      if (issue.origin === "array") return `a list with at least ${count("en", Number(issue.minimum), { one: "item", other: "items" })}`;
      if (issue.origin === "string") return "a non-empty text";
      return `a number of at least ${String(issue.minimum)}`;
    case "too_big":
      if (issue.origin === "array") return `a list with at most ${String(issue.maximum)} items`;
      if (issue.origin === "string") return `a text of at most ${String(issue.maximum)} characters`;
      return `a number of at most ${String(issue.maximum)}`;
    case "invalid_value":
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_format":
      return issue.format === "url" ? "an http(s) URL" : issue.format === "regex" ? issue.message : `text in ${issue.format} format`;
    default:
      return issue.message.replace(/^Invalid input: expected /, "");
  }
}

/**
 * A union (`"auto"` or an object) reports one summary issue. When exactly one of its options matched the value's
 * type, that option's own issues are the useful ones ("gateway.ports: at most 8"), so use those instead.
 */
function expandUnions(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== "invalid_union") return [issue];
    const typeMismatch = (i: z.core.$ZodIssue) => i.path.length === 0 && (i.code === "invalid_type" || i.code === "invalid_value");
    const matched = issue.errors.filter((option) => option.length > 0 && !option.some(typeMismatch));
    if (matched.length !== 1) return [issue];
    return expandUnions(matched[0]!.map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as z.core.$ZodIssue));
  });
}

/** One line per problem: `line 3, column 5: key probe.timeoutMs: expected …, found "fast"`. */
export function formatConfigIssues(error: z.ZodError, input: unknown, locate: Locate = () => null): string[] {
  const at = (path: readonly PropertyKey[], key?: string) => {
    const where = locate(path, key);
    return where === null ? "" : `${where}: `;
  };
  return expandUnions(error.issues).slice(0, 20).flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      const known = knownKeysAt(configSchema, issue.path);
      return issue.keys.map((k) => {
        const guess = nearest(k, known);
        const hint = guess !== null ? `did you mean "${guess}"?` : known.length > 0 ? `expected one of ${known.map((x) => `"${x}"`).join(", ")}` : 'see README "Config"';
        return `${at(issue.path, k)}key ${keyPath(issue.path)}: unknown key "${k}" (${hint})`;
      });
    }
    const params = (issue as { params?: Partial<UnknownKeyParams> }).params;
    if (issue.code === "custom" && params?.unknownKey !== undefined && params.known !== undefined) {
      const guess = nearest(params.unknownKey, params.known);
      const parent = issue.path.slice(0, -1);
      return `${at(parent, params.unknownKey)}key ${keyPath(issue.path)}: unknown fix id "${params.unknownKey}" (${guess !== null ? `did you mean "${guess}"?` : `expected one of ${params.known.map((x) => `"${x}"`).join(", ")}`})`;
    }
    const found = valueAt(input, issue.path);
    const guess = issue.code === "invalid_value" && typeof found === "string" ? nearest(found, issue.values.filter((v): v is string => typeof v === "string")) : null;
    return `${at(issue.path)}key ${keyPath(issue.path)}: expected ${expectation(issue)}, found ${describe(found)}${guess !== null ? ` (did you mean "${guess}"?)` : ""}`;
  });
}

export type ConfigErrorCode = "CONFIG_UNREADABLE" | "CONFIG_NOT_JSON" | "CONFIG_INVALID";

/** Parses raw JSON text (or no file at all) into a resolved config. */
export function parseConfig(text: string | null, source: string, catalog: () => TargetConfig[] = loadCatalog): Outcome<ResolvedConfig, ConfigErrorCode> {
  let input: unknown = {};
  let locate: Locate = () => null;
  if (text !== null) {
    const body = text.replace(/^\uFEFF/, ""); // Notepad saves UTF-8 with a BOM
    try {
      input = JSON.parse(body);
    } catch (e) {
      return failure("CONFIG_NOT_JSON", `${source} is not valid JSON: ${syntaxProblem(body) ?? (e as Error).message}`);
    }
    const deep = tooDeep(input, CONFIG_MAX_DEPTH);
    if (deep !== null) {
      return failure("CONFIG_INVALID", `${source} has a problem:\n  key ${keyPath(deep.slice(0, 4))}${deep.length > 4 ? "…" : ""}: expected a value nested at most ${CONFIG_MAX_DEPTH} levels deep, found one nested deeper`);
    }
    locate = locator(body);
    const proto = protoKey(input);
    if (proto !== null) {
      const where = locate(proto, "__proto__");
      return failure("CONFIG_INVALID", `${source} has a problem:\n  ${where === null ? "" : `${where}: `}key ${keyPath(proto)}: unknown key "__proto__"`);
    }
  }
  return validateConfig(input, source, locate, catalog);
}

/**
 * Checks an already parsed value against the schema: the same messages as for a file, with line and column when
 * `locate` can find the key (a value that is not in any file yet, like a setting about to be saved, has none).
 */
export function validateConfig(input: unknown, source: string, locate: Locate = () => null, catalog: () => TargetConfig[] = loadCatalog): Outcome<ResolvedConfig, ConfigErrorCode> {
  const parsed = configSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    const lines = formatConfigIssues(parsed.error, input, locate);
    return failure("CONFIG_INVALID", `${source} has ${lines.length === 1 ? "a problem" : "problems"}:\n  ${lines.join("\n  ")}`);
  }
  const { targets, ...rest } = parsed.data;
  return success({ ...rest, targets: targets ?? catalog() });
}

/** Where the first syntax error is, in words: "line 2, column 9: a comma or } was expected". */
function syntaxProblem(text: string): string | null {
  const errors: ParseError[] = [];
  try {
    parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  } catch {
    return null;
  }
  const first = errors[0];
  if (first === undefined) return null;
  const before = text.slice(0, first.offset);
  const line = before.split("\n").length;
  const column = first.offset - before.lastIndexOf("\n");
  const words: Record<string, string> = {
    CommaExpected: "a comma was expected",
    ColonExpected: "a colon was expected",
    PropertyNameExpected: 'a key in "double quotes" was expected',
    ValueExpected: "a value was expected",
    CloseBraceExpected: "a closing } was expected",
    CloseBracketExpected: "a closing ] was expected",
    EndOfFileExpected: "the file should end here",
    InvalidCommentToken: "comments are not allowed in JSON",
    InvalidSymbol: "this character is not allowed here",
    UnexpectedEndOfString: "a text is missing its closing quote",
    UnexpectedEndOfComment: "a comment is not closed",
    InvalidEscapeCharacter: "an invalid \\ escape",
  };
  const code = printParseErrorCode(first.error);
  return `line ${line}, column ${column}: ${words[code] ?? code}`;
}

/** Checks `tls.extraCaFile`: it must exist and hold at least one PEM certificate that parses. */
export function checkCaFile(path: string): string | null {
  let text: string;
  try {
    const st = statSync(path);
    if (!st.isFile()) return `key tls.extraCaFile: expected a PEM certificate file, found a folder (${path})`;
    if (st.size > CA_FILE_MAX_BYTES) return `key tls.extraCaFile: expected a PEM certificate file of at most 1 MB, found ${Math.round(st.size / 1024)} KB (${path})`;
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return `key tls.extraCaFile: expected a PEM certificate file, but ${path} ${code === "ENOENT" ? "does not exist" : `cannot be read (${code ?? (e as Error).message})`}`;
  }
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) return `key tls.extraCaFile: expected PEM certificates ("-----BEGIN CERTIFICATE-----"), found none in ${path}`;
  for (const [i, pem] of blocks.entries()) {
    try {
      new X509Certificate(pem);
    } catch (e) {
      return `key tls.extraCaFile: certificate ${i + 1} in ${path} does not parse (${(e as Error).message})`;
    }
  }
  return null;
}

/** Reads a config file's text (at most {@link CONFIG_MAX_BYTES}); the failure names the file and why in plain words. */
export function readConfigText(path: string): Outcome<string, ConfigErrorCode> {
  if (path === "") return failure("CONFIG_UNREADABLE", "config file: expected a file path, found an empty text");
  try {
    const st = statSync(path);
    if (st.isDirectory()) return failure("CONFIG_UNREADABLE", `config file ${path} is a folder; expected a JSON file`);
    if (st.size > CONFIG_MAX_BYTES) return failure("CONFIG_UNREADABLE", `config file ${path} is ${Math.round(st.size / 1024)} KB; a config is a few KB (at most 1 MB)`);
    return success(readFileSync(path, "utf8"));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "does not exist" : code === "EACCES" || code === "EPERM" ? "cannot be read (no permission)" : `cannot be read (${code ?? (e as Error).message})`;
    return failure("CONFIG_UNREADABLE", `config file ${path} ${why}`);
  }
}

/**
 * Parses a config file's text and checks what only the disk can tell (`tls.extraCaFile`). Relative paths are
 * relative to `baseDir`, the folder the command was started from (as {@link resolvePaths} resolves them).
 */
export function parseConfigFile(text: string, path: string, baseDir = process.cwd()): Outcome<ResolvedConfig, ConfigErrorCode> {
  const source = `config file ${path}`;
  const parsed = parseConfig(text, source);
  if (!parsed.ok || parsed.value.tls.extraCaFile === null) return parsed;
  const caProblem = checkCaFile(resolve(baseDir, parsed.value.tls.extraCaFile));
  if (caProblem === null) return parsed;
  const where = locator(text.replace(/^\uFEFF/, ""))(["tls", "extraCaFile"]);
  return failure("CONFIG_INVALID", `${source} has a problem:\n  ${where === null ? "" : `${where}: `}${caProblem}`);
}

/** Reads `--config FILE` or `TARKOV_AGENT_CONFIG`; no file means the built-in defaults. An empty path is an error. */
export function loadConfig(path: string | undefined, baseDir = process.cwd()): Outcome<ResolvedConfig, ConfigErrorCode> {
  if (path === undefined) return parseConfig(null, "defaults");
  const text = readConfigText(path);
  return text.ok ? parseConfigFile(text.value, path, baseDir) : text;
}

/** The config file the agent reads when neither `--config` nor `TARKOV_AGENT_CONFIG` names one (when it exists). */
export const DEFAULT_CONFIG_FILE = "config.json";

/** Where the config comes from: `--config`, the variable, the data folder's config.json, or built-in defaults. */
export interface ConfigChoice {
  /** The file to read; null = built-in defaults. */
  path: string | null;
  source: "option" | "environment" | "data-dir" | "defaults";
  /** The file settings are saved to: the one read, or the data folder's config.json when none was. */
  saveTo: string;
}

/**
 * Picks the config file: `--config` wins, then `TARKOV_AGENT_CONFIG` (empty = unset), then `<data dir>/config.json`
 * when it exists (the dashboard writes there), else the built-in defaults.
 */
export function chooseConfigFile(opts: { option?: string | undefined; env?: string | undefined; dataDir: string; exists?: (p: string) => boolean }): ConfigChoice {
  const inDataDir = join(opts.dataDir, DEFAULT_CONFIG_FILE);
  if (opts.option !== undefined) return { path: opts.option, source: "option", saveTo: opts.option };
  if (opts.env !== undefined && opts.env !== "") return { path: opts.env, source: "environment", saveTo: opts.env };
  return (opts.exists ?? existsSync)(inDataDir) ? { path: inDataDir, source: "data-dir", saveTo: inDataDir } : { path: null, source: "defaults", saveTo: inDataDir };
}

/**
 * File paths in the config made absolute against `baseDir` (the folder the command was started from): the tray
 * later moves the process into the install folder, where a relative path would point elsewhere.
 */
export function resolvePaths(config: ResolvedConfig, baseDir: string): ResolvedConfig {
  const { tls, game } = config;
  return {
    ...config,
    tls: { ...tls, extraCaFile: tls.extraCaFile === null ? null : resolve(baseDir, tls.extraCaFile) },
    game: { ...game, installDir: game.installDir === "auto" ? "auto" : resolve(baseDir, game.installDir), logsDir: game.logsDir === null ? null : resolve(baseDir, game.logsDir) },
  };
}

/** Per-user state folder: %LOCALAPPDATA%\tarkov-connection-agent on Windows, the XDG state dir elsewhere. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = env.HOME ?? env.USERPROFILE ?? "."): string {
  const name = "tarkov-connection-agent";
  if (platform === "win32") return join(env.LOCALAPPDATA ?? join(home, "AppData", "Local"), name);
  return join(env.XDG_STATE_HOME ?? join(home, ".local", "state"), name);
}
