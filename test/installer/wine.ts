/**
 * A wine prefix for one test file (Debian's wine/wine64 8.0): first boot is slow (~10-20 s), so each file makes
 * one and shares it between its tests. Traps handled here:
 * - Node ≥ 20 refuses Windows older than 8.1: the prefix claims Windows 10 (what `winecfg -v win10` writes).
 * - node.exe under wine cannot write to a Unix pipe (EBADF at the first console.log): output is captured through
 *   files, never pipes.
 * - Processes are tracked per prefix; `close()` runs `wineserver -k` and removes the prefix.
 */
import { execFile, spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface WineResult {
  code: number | null;
  /** stdout and stderr together, as written (through a file). */
  out: string;
  ms: number;
}

export interface WinePrefix {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  /** Runs a Windows program (a Windows or Unix path) and waits; output through a file. */
  run(exe: string, args: string[], opts?: { timeoutMs?: number; env?: Record<string, string>; cwd?: string }): Promise<WineResult>;
  /** Starts a Windows program and does not wait (the caller stops it). */
  start(exe: string, args: string[], opts?: { env?: Record<string, string>; cwd?: string }): { outFile: string; done: Promise<number | null> };
  /** `C:\…` → the file in the prefix; `Z:\…` → the Unix path. */
  unixPath(winPath: string): string;
  /** A Unix path as wine's Z: drive sees it. */
  winPath(unixPath: string): string;
  /** `reg query` through wine; null when the key/value is missing. Output keeps only ASCII-safe text. */
  regQuery(key: string, value?: string): Promise<string | null>;
  close(): Promise<void>;
}

function execWine(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    execFile("wine", args, { env, timeout: timeoutMs }, (err) => resolve(err === null ? 0 : typeof err.code === "number" ? err.code : null));
  });
}

/** Makes and boots a prefix (Windows 10). Throws when wine is missing: under CI=true .ci/run installs it. */
export async function createPrefix(label: string): Promise<WinePrefix> {
  const dir = mkdtempSync(join(tmpdir(), `tca-wine-${label}-`));
  const outs = mkdtempSync(join(tmpdir(), `tca-wine-out-${label}-`));
  // DISPLAY unset: no window may appear (wine would try the test session's X server otherwise).
  const env: NodeJS.ProcessEnv = { ...process.env, WINEPREFIX: dir, WINEDEBUG: "-all", WINEDLLOVERRIDES: "mscoree,mshtml=", DISPLAY: "" };
  delete env.WAYLAND_DISPLAY;
  const boot = await new Promise<number | null>((resolve) => execFile("wineboot", ["-i"], { env, timeout: 180_000 }, (err) => resolve(err === null ? 0 : typeof err.code === "number" ? err.code : null)));
  if (boot !== 0 || !existsSync(join(dir, "drive_c", "windows"))) throw new Error(`wineboot -i failed (exit ${boot}) for ${dir}`);
  // What `winecfg -v win10` writes. Checked: without it node.exe and the installer (Windows 10 or later) refuse to run.
  const version = await execWine(["reg", "add", "HKCU\\Software\\Wine", "/v", "Version", "/t", "REG_SZ", "/d", "win10", "/f"], env, 300_000);
  if (version !== 0) throw new Error(`could not set the prefix's Windows version (reg add exit ${version})`);
  await new Promise((resolve) => execFile("wineserver", ["-w"], { env, timeout: 300_000 }, resolve));
  let n = 0;

  const prefix: WinePrefix = {
    dir,
    env,
    run(exe, args, opts = {}) {
      const outFile = join(outs, `run-${++n}.txt`);
      const fd = openSync(outFile, "w");
      const t0 = performance.now();
      return new Promise((resolve) => {
        const child = spawn("wine", [exe, ...args], { env: { ...env, ...(opts.env ?? {}) }, stdio: ["ignore", fd, fd], cwd: opts.cwd });
        closeSync(fd);
        const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 120_000);
        child.on("exit", (code) => {
          clearTimeout(timer);
          resolve({ code, out: readFileSync(outFile, "utf8"), ms: performance.now() - t0 });
        });
      });
    },
    start(exe, args, opts = {}) {
      const outFile = join(outs, `start-${++n}.txt`);
      const fd = openSync(outFile, "w");
      const child = spawn("wine", [exe, ...args], { env: { ...env, ...(opts.env ?? {}) }, stdio: ["ignore", fd, fd], cwd: opts.cwd });
      closeSync(fd);
      return { outFile, done: new Promise((resolve) => child.on("exit", (code) => resolve(code))) };
    },
    unixPath(winPath) {
      const m = /^([A-Za-z]):\\(.*)$/.exec(winPath);
      if (!m) throw new Error(`not a Windows path: ${winPath}`);
      const rest = m[2]!.split("\\").filter(Boolean);
      if (m[1]!.toUpperCase() === "Z") return "/" + rest.join("/");
      return join(dir, `drive_${m[1]!.toLowerCase()}`, ...rest);
    },
    winPath(unixPath) {
      return "Z:" + unixPath.replace(/\//g, "\\");
    },
    async regQuery(key, value) {
      const r = await prefix.run("reg", ["query", key, ...(value === undefined ? [] : ["/v", value])], { timeoutMs: 60_000 });
      return r.code === 0 ? r.out : null;
    },
    async close() {
      await new Promise((resolve) => execFile("wineserver", ["-k"], { env, timeout: 60_000 }, resolve));
      // Processes killed a moment ago may still be writing into the prefix (ENOTEMPTY): retry.
      rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 300 });
      rmSync(outs, { recursive: true, force: true, maxRetries: 10, retryDelay: 300 });
    },
  };
  return prefix;
}
