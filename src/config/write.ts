/**
 * Saves settings into the config file (the dashboard's settings page). The player's file stays theirs: only the
 * keys being changed are edited in its text (jsonc-parser's `modify`), so every other key, its order and its
 * formatting are kept. The result must pass exactly the checks the loader makes (src/config/load.ts), and it
 * replaces the file atomically (temp file, fsync, rename): a refused value, a crash or a full disk leaves the old
 * file as it was, never half of a new one.
 */
import { realpathSync, statSync } from "node:fs";
import { applyEdits, modify, type FormattingOptions } from "jsonc-parser";
import { writeFileAtomicSync } from "../agent/atomic-write.js";
import { failure, success, type Outcome } from "../core/outcome.js";
import { checkCaFile, CONFIG_MAX_BYTES, parseConfigFile, protoKey, readConfigText, resolvePaths, validateConfig, type ConfigErrorCode } from "./load.js";
import type { ResolvedConfig } from "./schema.js";

/** One change: the key's path (`["fixes", "policy", "switch-dns"]`) and its new value. */
export interface SettingEdit {
  path: readonly string[];
  value: unknown;
}

export type SaveErrorCode = ConfigErrorCode | "CONFIG_CHANGED" | "CONFIG_WRITE_FAILED";

export interface SaveResult {
  /** The config as now saved, with paths resolved against the start folder. */
  config: ResolvedConfig;
  /** The file that was written (the target of a symbolic link, not the link). */
  file: string;
}

/** Keys a path may not use: they would reach an object's prototype instead of the file. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** The file's own indentation and line ends, so an edit looks like the rest of it. */
export function formattingOf(text: string): FormattingOptions {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const indent = /\n([ \t]+)"/.exec(text)?.[1] ?? "  ";
  return indent.startsWith("\t") ? { insertSpaces: false, tabSize: 1, eol } : { insertSpaces: true, tabSize: indent.length, eol };
}

/** The file's text with the edits made in place; a new file is built from `{}`. */
export function editConfigText(text: string | null, edits: readonly SettingEdit[]): string {
  const bom = text?.startsWith("\uFEFF") === true ? "\uFEFF" : "";
  let body = text === null ? "{}\n" : text.slice(bom.length);
  if (body.trim() === "") body = "{}\n";
  const formattingOptions = formattingOf(body);
  for (const e of edits) body = applyEdits(body, modify(body, [...e.path], e.value, { formattingOptions }));
  return bom + (body.endsWith("\n") ? body : body + formattingOptions.eol);
}

/**
 * Applies `edits` to the config file and saves it, or refuses and leaves the file untouched. The file must be valid
 * before the change (a problem already in it is reported with its line and column: the player fixes that first)
 * and after it (a refused value is reported the way the loader reports it: key, expected, found, nearest value).
 * `startDir` is the folder the agent was started from, against which relative paths in the file are resolved.
 */
export function saveSettings(file: string, edits: readonly SettingEdit[], startDir: string): Outcome<SaveResult, SaveErrorCode> {
  for (const e of edits) {
    if (e.path.length === 0 || e.path.some((k) => FORBIDDEN_KEYS.has(k))) return failure("CONFIG_INVALID", `key ${e.path.join(".") || "(top level)"}: not a setting`);
  }
  let target = file;
  let mode: number | undefined;
  let before: string | null = null;
  try {
    target = realpathSync(file); // a linked config: write the file the link points at, keep the link
    mode = statSync(target).mode & 0o777;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") return failure("CONFIG_UNREADABLE", `config file ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (mode !== undefined) {
    const read = readConfigText(target);
    if (!read.ok) return read;
    before = read.value;
    const valid = parseConfigFile(before, file, startDir);
    if (!valid.ok) return failure(valid.code, `${valid.message}\nFix this in the file first; nothing was changed.`);
  }

  const after = editConfigText(before, edits);
  if (Buffer.byteLength(after) > CONFIG_MAX_BYTES) return failure("CONFIG_INVALID", `config file ${file}: the new settings would make it larger than 1 MB; nothing was changed`);
  let input: unknown;
  try {
    input = JSON.parse(after.replace(/^\uFEFF/, ""));
  } catch (e) {
    return failure("CONFIG_INVALID", `the new settings could not be written as JSON (${(e as Error).message}); nothing was changed`);
  }
  if (protoKey(input) !== null) return failure("CONFIG_INVALID", 'key __proto__: not a setting; nothing was changed');
  // No line and column: the value is not in any file yet. Key, expected and found are what the player needs.
  const checked = validateConfig(input, "the new setting");
  if (!checked.ok) return failure(checked.code, `${checked.message.replace(/^the new setting has (a problem|problems):\n {2}/, "")}\nNothing was saved.`);
  if (checked.value.tls.extraCaFile !== null) {
    const ca = checkCaFile(resolvePaths(checked.value, startDir).tls.extraCaFile!);
    if (ca !== null) return failure("CONFIG_INVALID", `${ca}\nNothing was saved.`);
  }

  // Someone (a text editor) changed the file while we were preparing: theirs wins, ours is asked again.
  const now = mode === undefined ? null : readConfigText(target);
  if (now !== null && (!now.ok || now.value !== before)) return failure("CONFIG_CHANGED", `config file ${file} was changed by something else just now; nothing was saved. Reload and try again.`);
  try {
    writeFileAtomicSync(target, after, mode ?? 0o644);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOSPC" ? "the disk is full" : code === "EROFS" ? "the disk is read-only" : code === "EACCES" || code === "EPERM" ? "no permission" : (code ?? String(e));
    return failure("CONFIG_WRITE_FAILED", `config file ${file} could not be saved (${why}); it was left as it was`);
  }
  return success({ config: resolvePaths(checked.value, startDir), file: target });
}
