#!/usr/bin/env node
// Authenticode-signs Windows executables in place with osslsigncode, when a certificate is configured:
//   TCA_SIGN_PFX            PKCS#12 file holding the code-signing certificate and its key   (unset = no signing)
//   TCA_SIGN_PASSWORD       its password (or TCA_SIGN_PASSWORD_FILE: a file holding it)
//   TCA_SIGN_TIMESTAMP_URL  RFC 3161 timestamp server (optional; without it the signature expires with the cert)
// Usage: node tools/sign-win.mjs <file.exe> [...]   (makensis calls it through !finalize / !uninstfinalize)
// The password never goes on a command line (visible to every process): osslsigncode reads it from a 0600 file.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The signing settings from the environment, or null when signing is not configured. */
export function signingConfig(env = process.env) {
  if (!env.TCA_SIGN_PFX) return null;
  const password = env.TCA_SIGN_PASSWORD ?? (env.TCA_SIGN_PASSWORD_FILE ? readFileSync(env.TCA_SIGN_PASSWORD_FILE, "utf8").replace(/\r?\n$/, "") : "");
  return { pfx: resolve(env.TCA_SIGN_PFX), password, timestampUrl: env.TCA_SIGN_TIMESTAMP_URL || null };
}

/** Signs `file` in place (sha256). Throws with osslsigncode's message on failure. */
export function signFile(file, cfg) {
  const dir = mkdtempSync(join(tmpdir(), "tca-sign-"));
  try {
    const passFile = join(dir, "pass");
    writeFileSync(passFile, cfg.password, { mode: 0o600 });
    chmodSync(passFile, 0o600);
    const out = join(dir, "signed.exe");
    const args = ["sign", "-pkcs12", cfg.pfx, "-readpass", passFile, "-h", "sha256", "-n", "Tarkov Connection Agent", "-in", file, "-out", out];
    if (cfg.timestampUrl) args.splice(args.indexOf("-in"), 0, "-ts", cfg.timestampUrl);
    try {
      execFileSync("osslsigncode", args, { stdio: ["ignore", "pipe", "pipe"] });
    } catch (e) {
      throw new Error(`osslsigncode could not sign ${file}: ${`${e.stderr ?? ""}${e.stdout ?? ""}`.trim() || e.message}`);
    }
    renameSync(out, file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = process.argv.slice(2);
  const cfg = signingConfig();
  if (files.length === 0) {
    console.error("usage: node tools/sign-win.mjs <file.exe> [...]");
    process.exit(2);
  }
  if (cfg === null) process.exit(0);
  try {
    for (const f of files) signFile(resolve(f), cfg);
  } catch (e) {
    console.error(`sign-win: ${e.message}`);
    process.exit(1);
  }
}
