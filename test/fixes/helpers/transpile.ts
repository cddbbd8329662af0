/**
 * Node 20 cannot run TypeScript, and a crash test needs a separate process to SIGKILL. This transpiles src/ (types
 * stripped by the TypeScript compiler already in devDependencies, no type check) into a temp folder that resolves
 * node_modules from the repo, so a child process can import the real engine, journal and runner.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

const REPO = resolve(dirname(new URL(import.meta.url).pathname), "..", "..", "..");

function* tsFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) yield* tsFiles(full);
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) yield full;
  }
}

/** Returns the folder holding `src/**.js`. */
export function transpileSrc(): string {
  const out = mkdtempSync(join(tmpdir(), "tca-js-"));
  writeFileSync(join(out, "package.json"), JSON.stringify({ type: "module" }));
  symlinkSync(join(REPO, "node_modules"), join(out, "node_modules"), "dir");
  for (const file of tsFiles(join(REPO, "src"))) {
    const js = ts.transpileModule(readFileSync(file, "utf8"), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: file,
    }).outputText;
    const target = join(out, relative(REPO, file)).replace(/\.ts$/, ".js");
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, js);
  }
  return out;
}
