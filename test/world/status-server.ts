/**
 * A fake of BSG's status API (eft-facts §2) with switchable health and junk modes. Serves `<base>/global/status`,
 * `/services` and `/message/list` under `/api`.
 */
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { ServerCert } from "./certs.js";

/** ok/updating/unstable/down = global status 0–3; the rest are ways the API is known (or feared) to misbehave. */
export type StatusMode = "ok" | "updating" | "unstable" | "down" | "access-denied" | "html" | "bad-json" | "wrong-shape" | "5xx" | "slow";

export const STATUS_MODES: readonly StatusMode[] = ["ok", "updating", "unstable", "down", "access-denied", "html", "bad-json", "wrong-shape", "5xx", "slow"];

export interface StatusService {
  name: string;
  status: number;
}
export interface StatusMessage {
  time: string;
  type: number;
  content: string;
  solveTime: string | null;
}

/** What the API says besides its mode; replaced per field by `set`. */
export interface StatusContent {
  /** Global message (default ""). */
  message: string;
  /** Default: a handful of services, all at the global status. */
  services: StatusService[] | null;
  messages: StatusMessage[];
}

const SERVICE_NAMES = ["Trading", "Matchmaking", "Authentication", "Launcher", "Website", "Forum"];

export class StatusServer {
  mode: StatusMode = "ok";
  content: StatusContent = { message: "", services: null, messages: [] };
  /** How long "slow" holds a response (ms); longer than any probe timeout by default. */
  slowMs = 30_000;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #timers = new Set<NodeJS.Timeout>();
  requests = 0;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(host: string, cert: ServerCert): Promise<StatusServer> {
    let self: StatusServer | null = null;
    const server = createServer({ key: cert.key, cert: cert.cert, requestTimeout: 0 }, (req, res) => self?.handle(req, res));
    self = new StatusServer(server);
    const me = self;
    server.on("connection", (s: Socket) => {
      me.#sockets.add(s);
      s.on("close", () => me.#sockets.delete(s));
    });
    server.on("tlsClientError", () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    return self;
  }

  get port(): number {
    const a = this.#server.address();
    return typeof a === "object" && a !== null ? a.port : 0;
  }

  #global(): number {
    return { ok: 0, updating: 1, unstable: 2, down: 3 }[this.mode as "ok"] ?? 0;
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    this.requests++;
    const path = (req.url ?? "/").replace(/\?.*$/, "");
    const json = (body: unknown): void => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    switch (this.mode) {
      case "html":
        res.writeHead(200, { "content-type": "text/html" });
        res.end("<!doctype html><html><body><h1>Attention Required! | Cloudflare</h1></body></html>");
        return;
      case "bad-json":
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"status": 0, "message": ');
        return;
      case "5xx":
        res.writeHead(502, { "content-type": "text/plain" });
        res.end("Bad Gateway");
        return;
      case "slow": {
        const t = setTimeout(() => {
          this.#timers.delete(t);
          json({ status: 0, message: "" });
        }, this.slowMs);
        this.#timers.add(t);
        return;
      }
      case "wrong-shape":
        json({ data: { ok: true }, unexpected: [1, 2, 3] });
        return;
      default:
        break;
    }
    const global = this.#global();
    if (path.endsWith("/global/status")) {
      json({ status: global, message: this.mode === "access-denied" ? "Access denied" : this.content.message, extraField: "ignored" });
    } else if (path.endsWith("/services")) {
      json(this.content.services ?? SERVICE_NAMES.map((name) => ({ name, status: global, extra: 1 })));
    } else if (path.endsWith("/message/list")) {
      json(this.content.messages);
    } else {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
    }
  }

  async close(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
