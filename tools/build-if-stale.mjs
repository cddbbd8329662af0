#!/usr/bin/env node
// `npm start`'s build step: builds only when something the build reads changed since the last build, and quietly.
// The inputs (src/, the tsconfigs, package.json, scripts/ and the manifest tool) are hashed by content, so a
// checkout that only touches file times does not rebuild and an edit always does. The hash of the last good build
// is kept in dist/.build-inputs. The compiler's and gen-manifest's output is shown only when the build fails.
// Usage: node tools/build-if-stale.mjs [--check]   (--check: exit 1 when a build is needed, build nothing)
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const STAMP = join(root, "dist", ".build-inputs");
const OUTPUTS = [join(root, "dist", "cli", "main.js"), join(root, "scripts", "manifest.json"), join(root, "dist", "dashboard", "page")];

function* walk(dir, keep) {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, e.name);
    if (e.isDirectory()) yield* walk(full, keep);
    else if (e.isFile() && keep(full)) yield full;
  }
}

/** One hash over every input's path and content. */
function inputsHash() {
  const files = [
    // The dashboard page (plain HTML/CSS/JS) is copied as it is: an edit to it is a build input too.
    ...walk(join(root, "src"), (n) => n.endsWith(".ts") || /[\\/]dashboard[\\/]page[\\/]/.test(n)),
    ...walk(join(root, "scripts"), (n) => /\.(ps1|psm1|psd1)$/i.test(n)),
    ...["tsconfig.json", "tsconfig.build.json", "package.json", "tools/gen-manifest.mjs", "tools/copy-dashboard.mjs"].map((f) => join(root, f)).filter(existsSync),
  ];
  const h = createHash("sha256");
  for (const f of files) h.update(relative(root, f).split(sep).join("/")).update("\0").update(readFileSync(f)).update("\0");
  return h.digest("hex");
}

const want = inputsHash();
const have = existsSync(STAMP) ? readFileSync(STAMP, "utf8").trim() : "";
const fresh = have === want && OUTPUTS.every(existsSync);
if (process.argv.includes("--check")) process.exit(fresh ? 0 : 1);
if (fresh) process.exit(0);

process.stderr.write("Building tarkov-agent (only when its sources changed)…\n");
const steps = [
  [process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", join(root, "tsconfig.build.json")]],
  [process.execPath, [join(root, "tools", "gen-manifest.mjs")]],
  [process.execPath, [join(root, "tools", "copy-dashboard.mjs")]],
];
for (const [cmd, args] of steps) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: "utf8" });
  if (r.status !== 0) {
    process.stderr.write(`${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}\nThe build failed (above); nothing was started.\n`);
    process.exit(r.status ?? 1);
  }
}
mkdirSync(dirname(STAMP), { recursive: true });
writeFileSync(STAMP, `${want}\n`);
