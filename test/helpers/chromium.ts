/**
 * Headless Chromium for every browser test (the dashboard's and the evidence report's): Debian's own
 * /usr/bin/chromium driven by playwright-core (never a downloaded browser), a fresh profile per launch, flags that
 * keep it from reaching the network on its own, and where its screenshots go.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { describe } from "vitest";

export const CHROMIUM = "/usr/bin/chromium";
/** Screenshots a person can look at after a run. */
export const ARTIFACTS = resolve(import.meta.dirname, "..", "..", "test-results");

const missing = existsSync(CHROMIUM) ? null : `${CHROMIUM} (apt-get install chromium; .ci/run installs it)`;
if (missing && process.env.CI === "true") throw new Error(`CI must not skip the browser tests: missing ${missing}`);

/** `describe` that needs Chromium: skipped with the reason on a developer machine without it, never on CI. */
export function describeBrowser(name: string, body: () => void): void {
  if (missing === null) describe(name, body);
  else describe.skip(`${name} (skipped: missing ${missing})`, body);
}

export interface ChromiumOptions {
  /** Extra command-line flags (e.g. host resolver rules). */
  args?: string[];
  locale?: string;
  /** Page width in CSS pixels (the height is 900): the dashboard is laid out at 1200, the report at 1100. */
  width?: number;
}

/** A fresh Chromium profile under `dir`, offline-minded flags, and the given extras. */
export async function launchChromium(dir: string, opts: ChromiumOptions = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(mkdtempSync(join(dir, "chromium-")), {
    executablePath: CHROMIUM,
    headless: true,
    locale: opts.locale ?? "en-US",
    viewport: { width: opts.width ?? 1200, height: 900 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", ...(opts.args ?? [])],
  });
}
