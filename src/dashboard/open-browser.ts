/**
 * Opens the dashboard in the player's default browser without a shell: on Windows `rundll32.exe
 * url.dll,FileProtocolHandler <url>` by its full path in System32 (no PATH lookup, no `cmd /c start` whose parser
 * would act on `&` or `^`); elsewhere `xdg-open` (Linux) or `open` (macOS) with the URL as one argument.
 */
import { spawn } from "node:child_process";
import { win32 } from "node:path";

/** Only the dashboard's own addresses are ever handed to the OS. */
const DASHBOARD_URL = /^http:\/\/127\.0\.0\.1:\d{1,5}\/[A-Za-z0-9_-]+\/$/;

/** The program and arguments that open `url` on `platform`. */
export function browserCommand(url: string, platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): { cmd: string; args: string[] } {
  if (platform === "win32") return { cmd: win32.join(env.SystemRoot ?? "C:\\Windows", "System32", "rundll32.exe"), args: ["url.dll,FileProtocolHandler", url] };
  if (platform === "darwin") return { cmd: "/usr/bin/open", args: [url] };
  return { cmd: "xdg-open", args: [url] };
}

/** Opens the URL; resolves once the opener started (or could not). Never throws. */
export function openInBrowserAsync(url: string, platform: NodeJS.Platform = process.platform): Promise<{ ok: true } | { ok: false; message: string }> {
  if (!DASHBOARD_URL.test(url)) return Promise.resolve({ ok: false, message: "not a dashboard address" });
  const { cmd, args } = browserCommand(url, platform);
  return new Promise((resolve) => {
    try {
      const child = spawn(cmd, args, { detached: true, stdio: "ignore", windowsHide: true, shell: false });
      child.once("spawn", () => resolve({ ok: true }));
      child.once("error", (e) => resolve({ ok: false, message: `${cmd}: ${e.message}` }));
      child.unref();
    } catch (e) {
      resolve({ ok: false, message: `${cmd}: ${(e as Error).message}` });
    }
  });
}

/** Opens the URL; a failure (no browser, no xdg-open) goes to `onError`, never throws. */
export function openInBrowser(url: string, onError: (e: Error) => void, platform: NodeJS.Platform = process.platform): void {
  void openInBrowserAsync(url, platform).then((r) => {
    if (!r.ok) onError(new Error(r.message));
  });
}
