/**
 * Shared by the dashboard's browser tests: the BUILT agent as a child process with an environment the test controls,
 * the dashboard server in the test's own process with a Chromium page on it, and raw HTTP requests that say whatever
 * a hostile client would. Chromium itself: test/helpers/chromium.ts; one-shot CLI commands: runCli in
 * test/e2e/cli-run.ts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import path, { join, resolve } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import type { MonitorSnapshot } from "../../src/agent/monitor-types.js";
import { createLiveConfig, type LiveConfig } from "../../src/config/live.js";
import { parseConfig } from "../../src/config/load.js";
import type { Diagnosis } from "../../src/core/types.js";
import { createBackend, type BackendDeps } from "../../src/dashboard/backend.js";
import { startDashboard, type RunningDashboard } from "../../src/dashboard/index.js";
import { coreWords } from "../../src/dashboard/views.js";
import { looksLikeInstall, nodeInstallFs } from "../../src/game/install.js";
import { launchChromium } from "../helpers/chromium.js";

export const ROOT = resolve(import.meta.dirname, "..", "..");
export const CLI = join(ROOT, "dist", "cli", "main.js");

export interface AgentChild {
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<number | null>;
  kill(): Promise<void>;
}

const children = new Set<ChildProcess>();

/** `tarkov-agent run --headless` with the given arguments, and `env` over this process's environment (as runCli). */
export function startAgentProcess(args: string[], env: Record<string, string>): AgentChild {
  const child = spawn(process.execPath, [CLI, "run", "--headless", ...args], { env: { ...process.env, ...env, NODE_POWERSHELL: "" }, stdio: ["ignore", "ignore", "pipe"] });
  children.add(child);
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  child.once("exit", () => children.delete(child));
  return {
    child,
    stderr: () => err,
    async stop() {
      child.kill("SIGINT");
      const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
  };
}

/** SIGKILLs every agent a test left running. */
export function killAgents(): void {
  for (const c of children) c.kill("SIGKILL");
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request exactly as given (Host, Origin, method, body): what a hostile local client can send. */
export function rawRequest(opts: { host?: string; port: number; path: string; method?: string; headers?: Record<string, string>; body?: string }): Promise<RawResponse> {
  return new Promise((resolveReq, reject) => {
    const req = request({ host: opts.host ?? "127.0.0.1", port: opts.port, path: opts.path, method: opts.method ?? "GET", headers: opts.headers, setHost: opts.headers?.Host === undefined }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolveReq({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.setTimeout(10_000, () => req.destroy(new Error("timeout")));
    req.end(opts.body);
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function waitFor<T>(fn: () => T | undefined | Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** The "all good" diagnosis, for tests where the status card is not the subject. */
export const OK_DIAGNOSIS: Diagnosis = { verdict: "ok", confidence: "high", headline: "Tarkov servers are reachable", meaning: "Every check passed.", evidence: [], advice: [] };

/** A running monitor that has said "all good" since `since` (default: now). */
export function okSnapshot(since = new Date().toISOString()): MonitorSnapshot {
  return { mode: "running", status: "ok", verdict: "ok", since, incidentId: null, pausedUntil: null, lastDiagnosis: OK_DIAGNOSIS, lastRoundAt: since, maintenance: { active: false, message: null } };
}

export const SILENT_LOGGER = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The live config of an agent started without a config file. */
export function defaultLiveConfig(): LiveConfig {
  const parsed = parseConfig(null, "defaults");
  if (!parsed.ok) throw new Error(parsed.message);
  return createLiveConfig(parsed.value);
}

/** What a test must say about the agent behind the page; everything else has a default (see startDashboardInProcess). */
export type InProcessBackend = Pick<BackendDeps, "agent" | "autoFix" | "autostart" | "gameInUse"> & Partial<BackendDeps>;

export interface InProcessDashboard {
  dashboard: RunningDashboard;
  live: LiveConfig;
  browser: BrowserContext;
  /** A blank tab: `open()` loads the dashboard in it. */
  page: Page;
  /** Loads (or reloads) the dashboard in `page` and waits until it has drawn itself. */
  open(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The dashboard server in this process, over the real backend with `deps` and test defaults for the rest (the data
 * folder's config.json, a monitor that says "all good", English, a silent logger), and a Chromium tab for it.
 */
export async function startDashboardInProcess(dir: string, dataDir: string, deps: InProcessBackend): Promise<InProcessDashboard> {
  const live = deps.live ?? defaultLiveConfig();
  const snapshot = okSnapshot();
  const backend = createBackend({
    dataDir,
    version: "test",
    snapshot: () => snapshot,
    live,
    configFile: join(dataDir, "config.json"),
    startDir: dir,
    folderHasGame: (d) => looksLikeInstall(d, { fs: nodeInstallFs, path }),
    words: coreWords,
    revealFile: () => undefined,
    osLanguage: () => "en",
    logger: SILENT_LOGGER,
    ...deps,
  });
  const dashboard = await startDashboard({ backend, dataDir, logger: SILENT_LOGGER });
  if (dashboard === null) throw new Error("the dashboard server did not start");
  const browser = await launchChromium(dir);
  const page = await browser.newPage();
  return {
    dashboard,
    live,
    browser,
    page,
    async open() {
      await page.goto(dashboard.url);
      await page.waitForSelector("body[data-ready=true]");
    },
    async close() {
      await browser.close();
      await dashboard.close();
    },
  };
}
