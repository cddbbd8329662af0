/**
 * What every probe receives: per-phase budget, the round's abort signal, resolvers and trust store. Built once per
 * round from the config by `buildProbeContext`, so the CA file is read once and every connection shares one
 * SecureContext.
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Socket } from "node:net";
import type { SecureContext, TLSSocket } from "node:tls";
import { installRoot } from "../config/load.js";
import { parseResolverAddress, type ResolvedConfig } from "../config/schema.js";
import type { FailureCode, PhaseName, TlsDetail } from "../core/types.js";
import type { PhaseOutcome } from "./limits.js";
import { buildTrust, SYSTEM_CA_ENV, type TrustSource, type TrustStore } from "./trust.js";

export { buildTrust } from "./trust.js";

/** A resolver to ask: the operating system's (getaddrinfo) or explicit DNS servers. */
export type ResolverSpec = { kind: "os"; label: "os" } | { kind: "servers"; servers: string[]; label: string };

/** Capabilities and limits handed to every probe. */
export interface ProbeContext {
  /** Budget of each phase (DNS, TCP, TLS, HTTP). */
  timeoutMs: number;
  /** Aborted at the round deadline (or when the caller cancels). */
  signal: AbortSignal;
  systemResolver: ResolverSpec;
  publicResolvers: ResolverSpec[];
  /** System roots plus the configured extra CA. */
  secureContext: SecureContext;
  /** Set when the extra CA file could not be read; appended to TLS failures so the cause is visible. */
  caWarning: string | null;
  /** Which store each trusted root came from (see trust.ts); absent = the TLS phase does not attribute trust. */
  trustAnchors?: ReadonlyMap<string, TrustSource>;
  /** The operating system's store as read for this context. */
  systemStore?: { name: string; read: boolean };
  userAgent: string;
}

/** A configured target URL, split into the parts the phases need. */
export interface ParsedTarget {
  url: string;
  scheme: "https" | "tcp" | "http";
  host: string;
  port: number;
  /** Path and query for the HTTP phase. */
  path: string;
}

/** Mutable state handed from one phase to the next within one target. */
export interface ChainState {
  target: ParsedTarget;
  addresses: string[];
  address: string | null;
  socket: Socket | null;
  tlsSocket: TLSSocket | null;
  tls: TlsDetail | null;
  httpStatus: number | null;
  ttfbMs: number | null;
}

/** One phase of a target probe: a kind in the registry (see index.ts). Returns a value, throws only on bugs. */
export interface PhaseProbe {
  phase: PhaseName;
  /** False when the phase makes no sense for the target (TLS on `tcp://`): it is skipped as "not applicable". */
  appliesTo(target: ParsedTarget): boolean;
  run(state: ChainState, ctx: ProbeContext): Promise<PhaseOutcome>;
}

/** Splits a target or status URL; throws on a URL the config schema would have rejected (a bug upstream). */
export function parseTargetUrl(url: string): ParsedTarget {
  const u = new URL(url);
  const scheme = u.protocol.slice(0, -1);
  if (scheme !== "https" && scheme !== "tcp" && scheme !== "http") throw new Error(`unsupported URL scheme in ${url}`);
  const host = u.hostname.startsWith("[") ? u.hostname.slice(1, -1) : u.hostname;
  const defaultPort = scheme === "http" ? 80 : 443;
  const port = u.port === "" ? defaultPort : Number(u.port);
  return { url, scheme, host, port, path: `${u.pathname === "" ? "/" : u.pathname}${u.search}` };
}

/** `ip[:port]` strings from the config as a resolver spec (IPv6 gets brackets, as c-ares expects). */
export function serversResolver(addresses: string[]): ResolverSpec {
  const servers = addresses.map((a) => {
    const p = parseResolverAddress(a);
    if (p === null) throw new Error(`not a resolver address: ${a}`);
    return p.host.includes(":") ? `[${p.host}]:${p.port}` : `${p.host}:${p.port}`;
  });
  return { kind: "servers", servers, label: addresses.join(", ") };
}

let cachedVersion: string | null = null;

/** `tarkov-connection-agent/<version>` from package.json, read once. */
export function userAgent(): string {
  if (cachedVersion === null) {
    try {
      const pkg = JSON.parse(readFileSync(join(installRoot(), "package.json"), "utf8")) as { version?: unknown };
      cachedVersion = typeof pkg.version === "string" ? pkg.version : "0.0.0";
    } catch {
      cachedVersion = "0.0.0";
    }
  }
  return `tarkov-connection-agent/${cachedVersion}`;
}

/**
 * Building a context with every system root costs ~20 ms of CPU, which at one round every 15 s was the largest part
 * of the agent's idle CPU. Reuse it until the extra CA file (or the system-store override file) changes, checked by
 * mtime and size, a cheap stat. The operating system's own store is read once per process.
 */
let trustCache: { key: string; trust: TrustStore } | null = null;

function fileKey(path: string | undefined | null): string {
  if (path === undefined || path === null || path === "") return "-";
  try {
    const st = statSync(path);
    return `${path}:${st.mtimeMs}:${st.size}`;
  } catch {
    return `${path}:missing`;
  }
}

function cachedTrust(extraCaFile: string | null): TrustStore {
  const key = `${fileKey(extraCaFile)}|${fileKey(process.env[SYSTEM_CA_ENV])}`;
  if (trustCache === null || trustCache.key !== key) trustCache = { key, trust: buildTrust(extraCaFile) };
  return trustCache.trust;
}

/** The probe context for one round. */
export function buildProbeContext(config: ResolvedConfig, signal: AbortSignal): ProbeContext {
  const { secureContext, caWarning, anchors, systemStore } = cachedTrust(config.tls.extraCaFile);
  return {
    timeoutMs: config.probe.timeoutMs,
    signal,
    systemResolver: config.dns.system === "os" ? { kind: "os", label: "os" } : serversResolver(config.dns.system),
    publicResolvers: config.dns.public.map((a) => serversResolver([a])),
    secureContext,
    caWarning,
    trustAnchors: anchors,
    systemStore,
    userAgent: userAgent(),
  };
}

/** Shorthand for a failed phase. */
export const fail = (code: FailureCode, message: string): PhaseOutcome => ({ ok: false, code, message });
