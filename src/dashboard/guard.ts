/**
 * Who may talk to the dashboard: only the player's own browser, on this PC, holding this run's secret. Pure checks
 * over what a request says about itself, in the order that gives away the least:
 *  1. the connection comes from loopback (the server listens on 127.0.0.1 only; this is the second lock);
 *  2. `Host` is exactly `127.0.0.1:<port>`: a web page that rebinds its own name to 127.0.0.1 (DNS rebinding) still
 *     sends its name, and is refused before it learns anything;
 *  3. the path starts with `/<secret>/` (compared in constant time): without the secret there is nothing here;
 *  4. `Origin`, when sent, is this server's; `Sec-Fetch-Site`, when sent, is same-origin (or `none` for a page the
 *     player opened themselves);
 *  5. a change (POST) additionally needs an `Origin` equal to this server's and a JSON body, which no other site can
 *     send without a CORS preflight — and the server answers no preflight (no CORS at all).
 */
import { timingSafeEqual } from "node:crypto";

/** What the guard looks at in a request. */
export interface RequestFacts {
  method: string;
  /** The request target as sent (`/secret/api/status?x=1`). */
  url: string;
  remoteAddress: string | undefined;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

export type RefusalReason = "NOT_LOOPBACK" | "BAD_HOST" | "NO_SECRET" | "BAD_ORIGIN" | "CROSS_SITE" | "BAD_METHOD" | "NEEDS_ORIGIN" | "NEEDS_JSON";

export type GuardResult = { ok: true; path: string; query: URLSearchParams } | { ok: false; status: number; reason: RefusalReason };

const LOOPBACK = new Set(["127.0.0.1", "::ffff:127.0.0.1"]);
const STATE_CHANGING = new Set(["POST"]);
const ALLOWED_METHODS = new Set(["GET", "POST"]);

const header = (h: RequestFacts["headers"], name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v.join(",") : v;
};

/** Constant-time equality of two texts (a timing difference must not reveal how much of a guess was right). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The dashboard's origin for a port: the only value `Origin` may have. */
export const originFor = (port: number): string => `http://127.0.0.1:${port}`;

/** Checks one request; on success returns the path after the secret (`/api/status`, `/` for the page). */
export function checkRequest(req: RequestFacts, expected: { port: number; secret: string }): GuardResult {
  if (req.remoteAddress === undefined || !LOOPBACK.has(req.remoteAddress)) return { ok: false, status: 403, reason: "NOT_LOOPBACK" };
  if ((header(req.headers, "host") ?? "").toLowerCase() !== `127.0.0.1:${expected.port}`) return { ok: false, status: 421, reason: "BAD_HOST" };

  const q = req.url.indexOf("?");
  const rawPath = q === -1 ? req.url : req.url.slice(0, q);
  const rawQuery = q === -1 ? "" : req.url.slice(q + 1);
  const m = /^\/([^/]+)(\/.*)?$/.exec(rawPath);
  if (m === null || !sameSecret(m[1]!, expected.secret)) return { ok: false, status: 404, reason: "NO_SECRET" };
  if (m[2] === undefined) return { ok: false, status: 404, reason: "NO_SECRET" }; // `/<secret>` without the slash: relative URLs would lose it

  const origin = header(req.headers, "origin");
  if (origin !== undefined && origin !== originFor(expected.port)) return { ok: false, status: 403, reason: "BAD_ORIGIN" };
  const site = header(req.headers, "sec-fetch-site");
  if (!ALLOWED_METHODS.has(req.method)) return { ok: false, status: 405, reason: "BAD_METHOD" };
  if (STATE_CHANGING.has(req.method)) {
    if (origin === undefined) return { ok: false, status: 403, reason: "NEEDS_ORIGIN" };
    if (site !== undefined && site !== "same-origin") return { ok: false, status: 403, reason: "CROSS_SITE" };
    const type = (header(req.headers, "content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/json") return { ok: false, status: 415, reason: "NEEDS_JSON" };
  } else if (site !== undefined && site !== "same-origin" && site !== "none") {
    return { ok: false, status: 403, reason: "CROSS_SITE" };
  }
  return { ok: true, path: m[2], query: new URLSearchParams(rawQuery) };
}
