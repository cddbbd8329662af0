#!/usr/bin/env node
// Copies the dashboard page (plain HTML/CSS/JS, no build step of its own) next to the compiled server:
// src/dashboard/page → dist/dashboard/page. tsc copies no such files, and the installer's payload is dist/.
import { cpSync, existsSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const from = join(root, "src", "dashboard", "page");
const to = join(root, "dist", "dashboard", "page");
if (!existsSync(from)) {
  console.error(`copy-dashboard: expected the page in ${from}, found nothing`);
  process.exit(1);
}
rmSync(to, { recursive: true, force: true }); // a file removed from the page must not linger in dist
cpSync(from, to, { recursive: true });
