/**
 * The Windows registry through reg.exe, run by full path from System32 (never looked up in the working folder or
 * PATH) with an argument array (no shell). Reads use `reg export`, which writes a UTF-16 file: `reg query` prints
 * through a pipe in the console's OEM code page, so a Russian folder name comes back as `C:\????\…` (seen under
 * wine, and the same on a Windows whose OEM code page lacks the letters).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, win32 } from "node:path";

/** Registry view for `/reg:32|64`; null = the caller's default view. */
export type RegistryView = "32" | "64" | null;

export interface RegistryValue {
  /** REG_SZ, REG_EXPAND_SZ, REG_MULTI_SZ, REG_DWORD, REG_QWORD, REG_BINARY or REG_NONE. */
  type: string;
  /** Strings as they are (REG_MULTI_SZ joined with "\n"), numbers as `0x…` (like `reg query`), binary as hex. */
  data: string;
}

/** One key's values by lower-case name ("" = the default value). */
export type RegistryKeyValues = Map<string, RegistryValue & { name: string }>;

/** Full path of a program in System32. */
export function system32(exe: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  return win32.join(env.SystemRoot ?? env.windir ?? "C:\\Windows", "System32", exe);
}

const ROOTS: Record<string, string> = {
  HKLM: "HKEY_LOCAL_MACHINE",
  HKCU: "HKEY_CURRENT_USER",
  HKCR: "HKEY_CLASSES_ROOT",
  HKU: "HKEY_USERS",
  HKCC: "HKEY_CURRENT_CONFIG",
};

/** `HKLM\Software\X` → `HKEY_LOCAL_MACHINE\Software\X` (the form `reg export` writes). */
export function longKeyName(key: string): string {
  const [root, ...rest] = key.split("\\");
  return [ROOTS[(root ?? "").toUpperCase()] ?? root, ...rest].join("\\");
}

/** Decodes a .reg file: UTF-16LE with a BOM (what reg.exe writes), else UTF-8 (REGEDIT4 files). */
export function decodeRegFile(buf: Buffer): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString("utf16le");
  return buf.toString("utf8").replace(/^\uFEFF/, "");
}

function unescapeRegString(s: string): string {
  return s.replace(/\\(.)/g, "$1");
}

/** `00,3a,5c` → bytes; null when any item is not a hex byte. */
function hexBytes(list: string): Buffer | null {
  const items = list
    .split(",")
    .map((b) => b.trim())
    .filter((b) => b !== "");
  if (items.some((b) => !/^[0-9a-fA-F]{1,2}$/.test(b))) return null;
  return Buffer.from(items.map((b) => Number.parseInt(b, 16)));
}

function utf16z(buf: Buffer): string[] {
  return buf
    .subarray(0, buf.length - (buf.length % 2))
    .toString("utf16le")
    .split("\u0000");
}

/** Parses one `"name"=value` or `@=value` line; null when the line is not a value. */
function parseValueLine(line: string): (RegistryValue & { name: string }) | null {
  const m = /^(?:@|"((?:[^"\\]|\\.)*)")=(.*)$/.exec(line);
  if (!m) return null;
  const name = m[1] === undefined ? "" : unescapeRegString(m[1]);
  const raw = m[2]!;
  if (raw.startsWith('"')) {
    const s = /^"((?:[^"\\]|\\.)*)"$/.exec(raw);
    return s ? { name, type: "REG_SZ", data: unescapeRegString(s[1]!) } : null;
  }
  const dword = /^dword:([0-9a-fA-F]{8})$/.exec(raw);
  if (dword) return { name, type: "REG_DWORD", data: `0x${Number.parseInt(dword[1]!, 16).toString(16)}` };
  const hex = /^hex(?:\(([0-9a-fA-F]+)\))?:(.*)$/.exec(raw);
  if (!hex) return null;
  const kind = hex[1] === undefined ? 3 : Number.parseInt(hex[1], 16);
  const bytes = hexBytes(hex[2]!);
  if (bytes === null) return null;
  switch (kind) {
    case 2:
      return { name, type: "REG_EXPAND_SZ", data: utf16z(bytes)[0] ?? "" };
    case 7:
      return { name, type: "REG_MULTI_SZ", data: utf16z(bytes).filter((s) => s !== "").join("\n") };
    case 1:
      return { name, type: "REG_SZ", data: utf16z(bytes)[0] ?? "" };
    case 0xb:
      return { name, type: "REG_QWORD", data: `0x${bytes.length === 8 ? bytes.readBigUInt64LE(0).toString(16) : "0"}` };
    case 0:
      return { name, type: "REG_NONE", data: bytes.toString("hex") };
    default:
      return { name, type: "REG_BINARY", data: bytes.toString("hex") };
  }
}

/**
 * Parses the text of a `.reg` export into its keys (long names as written, e.g. `HKEY_CURRENT_USER\…`), each with
 * its values. Continuation lines (a trailing `\`) are joined; comments and unknown lines are skipped.
 */
export function parseRegExport(text: string): { key: string; values: RegistryKeyValues }[] {
  const keys: { key: string; values: RegistryKeyValues }[] = [];
  let current: { key: string; values: RegistryKeyValues } | null = null;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    // Hex data wraps with a trailing backslash; string data never does (a trailing `\` there is escaped as `\\`).
    while (/^(?:@|".*")=hex.*\\$/.test(line) && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i]!.trim();
    const header = /^\[(-?)(.+)\]$/.exec(line.trim());
    if (header) {
      current = header[1] === "-" ? null : { key: header[2]!, values: new Map() };
      if (current) keys.push(current);
      continue;
    }
    if (current === null) continue;
    const v = parseValueLine(line);
    if (v) current.values.set(v.name.toLowerCase(), v);
  }
  return keys;
}

export interface RegExeResult {
  /** Exit code; null when reg.exe could not run at all. */
  code: number | null;
  error: string | null;
  /** What it printed (ASCII is safe; other letters come in the console's OEM code page, see above). */
  stdout?: string;
}

/** Runs reg.exe; never rejects. */
export type RegRunner = (args: string[], timeoutMs: number) => Promise<RegExeResult>;

export const runRegExe: RegRunner = (args, timeoutMs) =>
  new Promise((resolve) => {
    try {
      execFile(system32("reg.exe"), args, { windowsHide: true, timeout: timeoutMs, encoding: "utf8" }, (err, stdout, stderr) => {
        if (err === null) resolve({ code: 0, error: null, stdout });
        else resolve({ code: typeof err.code === "number" ? err.code : null, error: (stderr || err.message).trim(), stdout });
      });
    } catch (e) {
      resolve({ code: null, error: (e as Error).message });
    }
  });

/** The registry operations the agent needs. Reads answer null for "no such key" and for "cannot read". */
export interface Registry {
  /** The values of exactly this key (not its subkeys), or null. */
  readKey(key: string, view: RegistryView): Promise<RegistryKeyValues | null>;
  /**
   * Whether the key exists, null when that cannot be told. reg.exe exits 1 both for "no such key" and for "access
   * denied", so a null `readKey` alone cannot say "missing"; this can. Optional: a registry without it (an
   * in-memory stand-in) answers readKey null only for a missing key.
   */
  keyExists?(key: string, view: RegistryView): Promise<boolean | null>;
  setString(key: string, name: string, data: string): Promise<RegExeResult>;
  deleteValue(key: string, name: string): Promise<RegExeResult>;
}

const MAX_EXPORT_BYTES = 8 * 1024 * 1024;

/** reg.exe-backed registry (Windows, and wine). */
export function regExeRegistry(opts: { run?: RegRunner; timeoutMs?: number; onError?: (what: string, error: string) => void } = {}): Registry {
  const run = opts.run ?? runRegExe;
  const timeoutMs = opts.timeoutMs ?? 5_000;
  return {
    async readKey(key, view) {
      let dir: string | null = null;
      try {
        dir = await mkdtemp(join(tmpdir(), "tca-reg-"));
        const file = join(dir, "export.reg");
        const r = await run(["export", key, file, "/y", ...(view ? [`/reg:${view}`] : [])], timeoutMs);
        // Exit 1 = no such key: the common, expected answer.
        if (r.code !== 0) {
          if (r.code !== 1) opts.onError?.(`reg export ${key}`, r.error ?? "failed");
          return null;
        }
        if ((await stat(file)).size > MAX_EXPORT_BYTES) {
          opts.onError?.(`reg export ${key}`, "export larger than 8 MB");
          return null;
        }
        const parsed = parseRegExport(decodeRegFile(await readFile(file)));
        // The exported key comes first; its subkeys follow.
        return parsed[0]?.values ?? null;
      } catch (e) {
        opts.onError?.(`reg export ${key}`, (e as Error).message);
        return null;
      } finally {
        if (dir !== null) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      }
    },
    async keyExists(key, view) {
      // `reg query <parent>` (not recursive) lists the parent's subkeys by their long names, one a line; its exit code
      // and its ASCII key names are the same in every Windows language (the error text is not).
      const cut = key.lastIndexOf("\\");
      if (cut <= 0) return null;
      const r = await run(["query", key.slice(0, cut), ...(view ? [`/reg:${view}`] : [])], timeoutMs);
      if (r.code !== 0 || r.stdout === undefined) {
        opts.onError?.(`reg query ${key.slice(0, cut)}`, r.error ?? "no output");
        return null;
      }
      const want = longKeyName(key).toLowerCase();
      return r.stdout.split(/\r?\n/).some((line) => line.trim().toLowerCase() === want);
    },
    setString: (key, name, data) => run(["add", key, "/v", name, "/t", "REG_SZ", "/d", data, "/f"], timeoutMs),
    deleteValue: (key, name) => run(["delete", key, "/v", name, "/f"], timeoutMs),
  };
}
