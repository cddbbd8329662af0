#!/usr/bin/env node
// Writes scripts/manifest.json: the SHA-256 of every PowerShell file shipped in scripts/ (*.ps1, *.psm1, *.psd1),
// computed at build time. The runner elevates a script only when it and every scripts/lib module still match this
// manifest (src/ports/powershell.ts verifyForElevation), so a tampered or foreign script never gets admin rights.
// Usage: node tools/gen-manifest.mjs [scriptsDir]   (default: <repo>/scripts)
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dir = resolve(process.argv[2] ?? join(root, "scripts"));
if (!existsSync(dir)) {
  console.error(`gen-manifest: expected a scripts folder at ${dir}, found none`);
  process.exit(1);
}

function* walk(d) {
  for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(d, e.name);
    if (e.isDirectory()) yield* walk(full);
    else if (e.isFile() && /\.(ps1|psm1|psd1)$/i.test(e.name)) yield full;
  }
}

const files = {};
for (const f of walk(dir)) files[relative(dir, f).split(sep).join("/")] = createHash("sha256").update(readFileSync(f)).digest("hex");
// No timestamp: the same scripts give the same manifest, so builds are reproducible.
writeFileSync(join(dir, "manifest.json"), JSON.stringify({ version: 1, algorithm: "sha256", files }, null, 2) + "\n");
console.log(`gen-manifest: ${Object.keys(files).length} script file(s) hashed into ${relative(root, join(dir, "manifest.json")) || "manifest.json"}`);
