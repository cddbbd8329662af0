/**
 * The dashboard's HTTP server: 127.0.0.1 on a port the OS picks, a fresh secret in every URL path, and every
 * request through the guard (guard.ts) before anything else runs. It serves the page (three files from
 * `page/`, read once at start) and a small JSON API over the backend (backend.ts), plus one Server-Sent Events
 * stream that tells open pages what changed. No CORS, no cookies, no caching, and a Content-Security-Policy that
 * lets the page load nothing but its own files: it works offline and cannot reach anywhere else.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CHART_CSS } from "../report/report-html.js";
import type { DashboardBackend } from "./backend.js";
import { isChartWindow } from "./chart.js";
import { checkRequest, type RefusalReason } from "./guard.js";
import type { PushKind } from "./types.js";

/** The page's files: `dist/dashboard/page` once built (npm run build copies them), `src/dashboard/page` in tests. */
export const PAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), "page");

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types dashboard-chart",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), usb=(), payment=()",
};

/** A request body is a few settings: anything larger is not the page's. */
const MAX_BODY_BYTES = 64 * 1024;
/** Open pages (event streams) at once; more is not a player with a few tabs. */
const MAX_STREAMS = 16;
const HEARTBEAT_MS = 20_000;
/** Changes closer together than this reach the page as one event. */
const PUSH_COALESCE_MS = 150;
/** Refusals logged per minute at most: a flood of bad requests must not fill the log. */
const REFUSALS_LOGGED_PER_MIN = 20;

export interface DashboardLogger {
  info(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
  error(message: string, meta?: Record<string, unknown>): unknown;
}

export interface DashboardServer {
  /** `http://127.0.0.1:<port>/<secret>/`: the only address that answers. */
  readonly url: string;
  readonly port: number;
  /** Tells open pages that something changed (they refetch it). */
  push(kind: PushKind): void;
  close(): Promise<void>;
}

interface PageFiles {
  html: Buffer;
  css: Buffer;
  js: Buffer;
}

/** Reads the page's three files; throws when they are missing (a packaging bug the caller reports). */
export function readPage(dir = PAGE_DIR): PageFiles {
  return {
    html: readFileSync(join(dir, "index.html")),
    // The chart is the report's renderer: its styles travel with it.
    css: Buffer.concat([readFileSync(join(dir, "dashboard.css")), Buffer.from(`\n/* evidence chart (src/report/report-html.ts) */${CHART_CSS}`)]),
    js: readFileSync(join(dir, "dashboard.js")),
  };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { ...SECURITY_HEADERS, "Content-Type": type, "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}
const sendJson = (res: ServerResponse, status: number, value: unknown): void => send(res, status, "application/json; charset=utf-8", JSON.stringify(value));

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, "request body too large");
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
  } catch {
    throw new HttpError(400, "request body is not JSON");
  }
}

/** Starts the server on 127.0.0.1 (a random free port unless `port` is given). */
export async function startDashboardServer(opts: { backend: DashboardBackend; logger: DashboardLogger; page?: PageFiles; port?: number; secret?: string }): Promise<DashboardServer> {
  const { backend, logger } = opts;
  const page = opts.page ?? readPage();
  const secret = opts.secret ?? randomBytes(24).toString("base64url");
  const streams = new Set<ServerResponse>();
  let port = 0;
  let refusalsThisMinute = 0;
  let minuteStart = Date.now();

  const refused = (res: ServerResponse, status: number, reason: RefusalReason, method: string): void => {
    const now = Date.now();
    if (now - minuteStart > 60_000) [minuteStart, refusalsThisMinute] = [now, 0];
    // Never the URL: it may carry the secret (a right secret with a wrong Origin).
    if (refusalsThisMinute++ < REFUSALS_LOGGED_PER_MIN) logger.warn("dashboard request refused", { reason, method });
    send(res, status, "text/plain; charset=utf-8", status === 404 ? "Not found\n" : "Refused\n");
  };

  const openStream = (req: IncomingMessage, res: ServerResponse): void => {
    if (streams.size >= MAX_STREAMS) throw new HttpError(503, "too many open pages");
    res.writeHead(200, { ...SECURITY_HEADERS, "Content-Type": "text/event-stream; charset=utf-8", Connection: "keep-alive" });
    res.write("retry: 3000\n\n");
    streams.add(res);
    const drop = () => streams.delete(res);
    req.on("close", drop);
    res.on("error", drop);
  };

  const route = async (method: string, path: string, query: URLSearchParams, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (method === "GET") {
      switch (path) {
        case "/":
          return send(res, 200, "text/html; charset=utf-8", page.html);
        case "/dashboard.css":
          return send(res, 200, "text/css; charset=utf-8", page.css);
        case "/dashboard.js":
          return send(res, 200, "text/javascript; charset=utf-8", page.js);
        case "/api/ping":
          return sendJson(res, 200, { ok: true });
        case "/api/bootstrap":
          return sendJson(res, 200, backend.bootstrap());
        case "/api/status":
          return sendJson(res, 200, backend.status());
        case "/api/history":
          return sendJson(res, 200, await backend.history());
        case "/api/chart": {
          const w = query.get("window") ?? "6h";
          if (!isChartWindow(w)) throw new HttpError(400, "window: expected 1h, 6h, 24h or 7d");
          return sendJson(res, 200, await backend.chart(w));
        }
        case "/api/settings":
          return sendJson(res, 200, await backend.settings());
        case "/api/events":
          return openStream(req, res);
      }
    } else if (method === "POST") {
      const body = (await readJson(req)) as Record<string, unknown>;
      switch (path) {
        case "/api/settings": {
          const r = await backend.save(Array.isArray(body.changes) ? (body.changes as { key: string; value: unknown }[]) : []);
          if (r.ok) push("settings");
          return sendJson(res, r.ok ? 200 : 422, r);
        }
        case "/api/diagnose":
          return sendJson(res, 200, await backend.diagnose());
        case "/api/bundle":
          return sendJson(res, 200, await backend.bundle());
        case "/api/bundle/reveal":
          return sendJson(res, 200, { ok: backend.revealBundle() });
        case "/api/undo": {
          const target = body.all === true ? "all" : typeof body.entryId === "string" ? { entryId: body.entryId } : null;
          if (target === null) throw new HttpError(400, "expected { entryId } or { all: true }");
          const r = await backend.undo(target);
          push("history");
          return sendJson(res, 200, r);
        }
      }
    }
    throw new HttpError(404, "Not found");
  };

  const server: Server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000, maxHeaderSize: 16 * 1024 }, (req, res) => {
    const method = req.method ?? "GET";
    const verdict = checkRequest({ method, url: req.url ?? "/", remoteAddress: req.socket.remoteAddress, headers: req.headers }, { port, secret });
    if (!verdict.ok) {
      refused(res, verdict.status, verdict.reason, method);
      req.resume();
      return;
    }
    route(method, verdict.path, verdict.query, req, res).catch((e: unknown) => {
      const status = e instanceof HttpError ? e.status : 500;
      if (status === 500) logger.error("dashboard request failed", { method, error: e instanceof Error ? e.message : String(e) });
      if (res.headersSent) res.end();
      else sendJson(res, status, { ok: false, message: e instanceof Error ? e.message : String(e) });
    });
  });
  server.on("clientError", (_e, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: opts.port ?? 0, exclusive: true }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  server.on("error", (e) => logger.error("dashboard server error", { error: e.message }));

  const heartbeat = setInterval(() => {
    for (const s of streams) s.write(": still here\n\n");
  }, HEARTBEAT_MS);
  heartbeat.unref();

  const pending = new Map<PushKind, NodeJS.Timeout>();
  function push(kind: PushKind): void {
    if (pending.has(kind) || streams.size === 0) return;
    const t = setTimeout(() => {
      pending.delete(kind);
      for (const s of streams) s.write(`event: ${kind}\ndata: {}\n\n`);
    }, PUSH_COALESCE_MS);
    t.unref();
    pending.set(kind, t);
  }

  return {
    url: `http://127.0.0.1:${port}/${secret}/`,
    port,
    push,
    async close() {
      clearInterval(heartbeat);
      for (const t of pending.values()) clearTimeout(t);
      for (const s of streams) s.end();
      streams.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
