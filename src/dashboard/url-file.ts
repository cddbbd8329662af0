/**
 * The running agent's dashboard address, for `tarkov-agent dashboard`: `<data dir>/dashboard.json`, readable by
 * the player only (mode 0600; on Windows the data folder is already per-user), written atomically at start and
 * removed at exit. A file left by a crash names a server that no longer answers: the reader checks before it trusts.
 */
import { readFileSync, statSync, unlinkSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { writeFileAtomicSync } from "../agent/atomic-write.js";

export const URL_FILE = "dashboard.json";

export interface UrlRecord {
  url: string;
  pid: number;
  startedAt: string;
}

export const urlFilePath = (dataDir: string): string => join(dataDir, URL_FILE);

/** Writes the record, owner-only. */
export function writeUrlFile(dataDir: string, record: UrlRecord): void {
  writeFileAtomicSync(urlFilePath(dataDir), JSON.stringify(record) + "\n", 0o600);
}

/** Removes the record if it is still this process's (a newer agent may have replaced it). */
export function removeUrlFile(dataDir: string, pid = process.pid): void {
  const r = readUrlFile(dataDir);
  if (r === null || r.pid !== pid) return;
  try {
    unlinkSync(urlFilePath(dataDir));
  } catch {
    // already gone
  }
}

/** The record, or null when there is none or it is not one of ours (too big, not JSON, not a loopback URL). */
export function readUrlFile(dataDir: string): UrlRecord | null {
  const path = urlFilePath(dataDir);
  try {
    if (statSync(path).size > 4096) return null;
    const r = JSON.parse(readFileSync(path, "utf8")) as Partial<UrlRecord>;
    if (typeof r.url !== "string" || !/^http:\/\/127\.0\.0\.1:\d{1,5}\/[A-Za-z0-9_-]{16,}\/$/.test(r.url)) return null;
    return { url: r.url, pid: typeof r.pid === "number" ? r.pid : 0, startedAt: typeof r.startedAt === "string" ? r.startedAt : "" };
  } catch {
    return null;
  }
}

/** Does the dashboard at `url` answer (the agent is running)? Never throws; false after `timeoutMs`. */
export function dashboardAnswers(url: string, timeoutMs = 3_000): Promise<boolean> {
  return new Promise((resolve) => {
    const u = new URL("api/ping", url);
    const req = request({ host: "127.0.0.1", port: Number(u.port), path: u.pathname, method: "GET", headers: { Host: u.host }, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
    req.end();
  });
}
