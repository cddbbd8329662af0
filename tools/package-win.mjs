#!/usr/bin/env node
// `npm run package:win`: builds the Windows setup program on Linux.
//   1. npm run build (dist/ and scripts/manifest.json)
//   2. payload in installer/build/payload: node.exe (pinned, tools/runtime.mjs), dist/, production node_modules
//      (Windows binaries only: systray2's tray, node-notifier's SnoreToast), scripts/ + manifest, catalog/, icons,
//      the two GUI launchers (installer/launcher.nsi) and a CLI shim
//   3. makensis installer/installer.nsi → dist-installer/tarkov-connection-agent-setup-<version>.exe (LZMA)
// Signs the launchers, the uninstaller and the setup program when TCA_SIGN_PFX is set (tools/sign-win.mjs).
// Fails when the setup program is over the size budget.
//
// Options: --skip-build (dist/ is fresh already) · --payload-only (stop after step 2) · --root <dir> (another
// checkout, e.g. a clean clone) · --out <dir> (default <root>/dist-installer)
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureRuntime, runtimeVersion } from "./runtime.mjs";
import { signFile, signingConfig } from "./sign-win.mjs";

export const SIZE_BUDGET_BYTES = 40 * 1024 * 1024;
const HERE = dirname(fileURLToPath(import.meta.url));

/** Files in a production package that Windows never needs (other platforms' binaries, typings, source maps). */
export const PRUNE = [
  "systray2/traybin/tray_linux_release",
  "systray2/traybin/tray_darwin_release",
  "node-notifier/vendor/mac.noindex",
  "node-notifier/vendor/notifu",
  "node-notifier/vendor/snoreToast/snoretoast-x86.exe",
  "node-notifier/vendor/terminal-notifier-LICENSE",
];
const PRUNE_FILE = /(\.d\.ts|\.d\.mts|\.d\.cts|\.map|\.tsbuildinfo)$/;

/** Production packages as folders relative to `root` (node_modules/…), from npm's own resolution of the lock. */
export function productionPackages(root) {
  const out = execFileSync("npm", ["ls", "--omit=dev", "--all", "--parseable", "--silent"], { cwd: root, encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  const dirs = out
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .map((l) => relative(root, l))
    .filter((rel) => rel !== "" && rel.startsWith(`node_modules${sep}`));
  return [...new Set(dirs)].sort();
}

function copyPackage(root, rel, payload) {
  const from = join(root, rel);
  cpSync(from, join(payload, rel), {
    recursive: true,
    dereference: true,
    // Nested node_modules are listed (and copied) on their own when they are production packages.
    filter: (src) => {
      const r = relative(from, src);
      if (r === "") return true;
      const parts = r.split(sep);
      if (parts[0] === "node_modules" || parts.includes(".bin")) return false;
      return !PRUNE_FILE.test(src);
    },
  });
}

function sha256(file) {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

/** The manifest must describe exactly the scripts in the payload: an elevated run checks against it. */
export function checkManifest(scriptsDir) {
  const manifest = JSON.parse(readFileSync(join(scriptsDir, "manifest.json"), "utf8"));
  const onDisk = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ps1|psm1|psd1)$/i.test(e.name)) onDisk.push(relative(scriptsDir, p).split(sep).join("/"));
    }
  };
  walk(scriptsDir);
  const listed = Object.keys(manifest.files).sort();
  if (JSON.stringify(listed) !== JSON.stringify(onDisk.sort())) throw new Error(`scripts/manifest.json lists ${listed.length} files, the payload has ${onDisk.length}: rebuild`);
  for (const f of listed) if (sha256(join(scriptsDir, ...f.split("/"))) !== manifest.files[f]) throw new Error(`scripts/manifest.json: ${f} does not match its hash: rebuild`);
  return listed.length;
}

function makensis(args, cwd) {
  execFileSync("makensis", ["-V2", "-INPUTCHARSET", "UTF8", ...args], { cwd, stdio: ["ignore", "inherit", "inherit"] });
}

function folderBytes(dir) {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    n += e.isDirectory() ? folderBytes(p) : statSync(p).size;
  }
  return n;
}

const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;

/** Builds the payload (and the installer unless payloadOnly); returns what it made. */
export function packageWin({ root = resolve(HERE, ".."), out, skipBuild = false, payloadOnly = false, log = (m) => process.stderr.write(m + "\n") } = {}) {
  const t0 = Date.now();
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const version = pkg.version;
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`package.json version must be x.y.z for the Windows version resource, found ${version}`);
  for (const tool of ["makensis", "osslsigncode"]) {
    try {
      execFileSync(tool, [tool === "makensis" ? "-VERSION" : "--version"], { stdio: "ignore" });
    } catch {
      throw new Error(`${tool} not found: install the Debian packages nsis and osslsigncode (.ci/run does)`);
    }
  }
  if (!skipBuild) {
    log("package:win: npm run build");
    execFileSync("npm", ["run", "build", "--silent"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  }
  const build = join(root, "installer", "build");
  const payload = join(build, "payload");
  rmSync(build, { recursive: true, force: true });
  mkdirSync(payload, { recursive: true });

  log(`package:win: payload (node ${runtimeVersion(root)}, production modules)`);
  copyFileSync(ensureRuntime("win", { root, log }), join(payload, "node.exe"));
  cpSync(join(root, "dist"), join(payload, "dist"), { recursive: true, filter: (src) => !src.endsWith(".map") });
  cpSync(join(root, "catalog"), join(payload, "catalog"), { recursive: true });
  cpSync(join(root, "scripts"), join(payload, "scripts"), { recursive: true });
  // The elevated task's entry point (not a fix script: it decides which fix scripts the task may run).
  cpSync(join(root, "installer", "task"), join(payload, "task"), { recursive: true });
  mkdirSync(join(payload, "assets"), { recursive: true });
  cpSync(join(root, "assets", "icons"), join(payload, "assets", "icons"), { recursive: true });
  // Only what the runtime reads: "type": "module" for the ESM build, the version for --version and reports.
  const runtimePkg = { name: pkg.name, version, description: pkg.description, license: pkg.license, private: true, type: pkg.type, config: pkg.config };
  writeFileSync(join(payload, "package.json"), JSON.stringify(runtimePkg, null, 2) + "\n");
  const modules = productionPackages(root);
  for (const rel of modules) copyPackage(root, rel, payload);
  for (const p of PRUNE) rmSync(join(payload, "node_modules", ...p.split("/")), { recursive: true, force: true });
  for (const need of ["node_modules/systray2/traybin/tray_windows_release.exe", "node_modules/node-notifier/vendor/snoreToast/snoretoast-x64.exe"]) {
    if (!existsSync(join(payload, need))) throw new Error(`payload lacks ${need}`);
  }
  const scripts = checkManifest(join(payload, "scripts"));
  // For support and power users: the CLI from a terminal (the .exe launchers have no console).
  writeFileSync(join(payload, "tarkov-agent-cli.cmd"), '@echo off\r\n"%~dp0node.exe" "%~dp0dist\\cli\\main.js" %*\r\n');

  const sign = signingConfig();
  const icon = join(root, "assets", "icons", "ok.ico");
  for (const [mode, exe] of [["agent", "tarkov-agent.exe"], ["fixes", "tarkov-agent-fixes.exe"]]) {
    makensis([`-DMODE=${mode}`, `-DVERSION=${version}`, `-DOUTFILE=${join(payload, exe)}`, `-DICON=${icon}`, join(root, "installer", "launcher.nsi")], root);
    if (sign) signFile(join(payload, exe), sign);
  }
  const payloadBytes = folderBytes(payload);
  log(`package:win: payload ${mb(payloadBytes)} (${modules.length} packages, ${scripts} script files)`);
  if (payloadOnly) return { version, payload, payloadBytes, setup: null, setupBytes: null, signed: sign !== null, ms: Date.now() - t0 };

  const outDir = resolve(out ?? join(root, "dist-installer"));
  mkdirSync(outDir, { recursive: true });
  const setup = join(outDir, `tarkov-connection-agent-setup-${version}.exe`);
  rmSync(setup, { force: true });
  const defines = [`-DVERSION=${version}`, `-DPAYLOAD=${payload}`, `-DOUTFILE=${setup}`, `-DICON=${icon}`];
  if (sign) defines.push(`-DSIGN_CMD="${process.execPath}" "${join(HERE, "sign-win.mjs")}"`);
  log("package:win: makensis (LZMA, solid)");
  makensis([...defines, join(root, "installer", "installer.nsi")], root);
  const setupBytes = statSync(setup).size;
  if (setupBytes > SIZE_BUDGET_BYTES) throw new Error(`${basename(setup)} is ${mb(setupBytes)}, over the ${mb(SIZE_BUDGET_BYTES)} budget`);
  log(`package:win: ${relative(root, setup)} ${mb(setupBytes)}${sign ? ", signed" : ""} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return { version, payload, payloadBytes, setup, setupBytes, signed: sign !== null, ms: Date.now() - t0 };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const opt = (name) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  try {
    const r = packageWin({ root: opt("--root") ? resolve(opt("--root")) : undefined, out: opt("--out"), skipBuild: argv.includes("--skip-build"), payloadOnly: argv.includes("--payload-only") });
    console.log(r.setup ?? r.payload);
  } catch (e) {
    console.error(`package:win: ${e.message}`);
    process.exit(1);
  }
}
