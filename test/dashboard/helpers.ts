/**
 * Shared by the dashboard's browser tests: the BUILT agent as a child process with an environment the test controls,
 * and raw HTTP requests that say whatever a hostile client would. Chromium itself: test/helpers/chromium.ts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "..", "..");
export const CLI = join(ROOT, "dist", "cli", "main.js");

export interface AgentChild {
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<number | null>;
  kill(): Promise<void>;
}

const children = new Set<ChildProcess>();

/** `tarkov-agent run --headless` with the given arguments and environment. */
export function startAgentProcess(args: string[], env: NodeJS.ProcessEnv): AgentChild {
  const child = spawn(process.execPath, [CLI, "run", "--headless", ...args], { env: { ...env, NODE_POWERSHELL: "" }, stdio: ["ignore", "ignore", "pipe"] });
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

/** Runs the built CLI to its end. */
export function cli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...env, NODE_POWERSHELL: "" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
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
