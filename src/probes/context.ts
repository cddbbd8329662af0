/**
 * What every probe receives: per-phase budget, the round's abort signal, resolvers and trust store. Built once per
 * round from the config by `buildProbeContext`, so the CA file is read once and every connection shares one
 * SecureContext.
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Socket } from "node:net";
import { createSecureContext, rootCertificates, type SecureContext, type TLSSocket } from "node:tls";
import { installRoot } from "../config/load.js";
import { parseResolverAddress, type ResolvedConfig } from "../config/schema.js";
import type { FailureCode, PhaseName, TlsDetail } from "../core/types.js";
import { describeError, errorCode, type PhaseOutcome } from "./limits.js";

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

/** Reads the extra CA once and builds the shared trust store: system roots + that PEM. */
export function buildTrust(extraCaFile: string | null, readFile: (path: string) => string = (p) => readFileSync(p, "utf8")): { secureContext: SecureContext; caWarning: string | null } {
  const ca = [...rootCertificates];
  let caWarning: string | null = null;
  if (extraCaFile !== null) {
    try {
      ca.push(readFile(extraCaFile));
    } catch (e) {
      caWarning = `extra CA file ${extraCaFile} could not be read (${errorCode(e) ?? describeError(e)})`;
    }
  }
  try {
    return { secureContext: createSecureContext({ ca }), caWarning };
  } catch (e) {
    // A malformed PEM must not cost the whole round: fall back to the system roots and say why.
    return { secureContext: createSecureContext({ ca: [...rootCertificates] }), caWarning: `extra CA file ${extraCaFile ?? ""} is not a usable PEM (${describeError(e)})` };
  }
}

/**
 * Building a context with every system root costs ~20 ms of CPU, which at one round every 15 s was the largest part
 * of the agent's idle CPU. Reuse it until the extra CA file changes (checked by mtime and size, a cheap stat).
 */
let trustCache: { key: string; trust: ReturnType<typeof buildTrust> } | null = null;

function cachedTrust(extraCaFile: string | null): ReturnType<typeof buildTrust> {
  let key = "system";
  if (extraCaFile !== null) {
    try {
      const st = statSync(extraCaFile);
      key = `${extraCaFile}:${st.mtimeMs}:${st.size}`;
    } catch {
      key = `${extraCaFile}:missing`;
    }
  }
  if (trustCache === null || trustCache.key !== key) trustCache = { key, trust: buildTrust(extraCaFile) };
  return trustCache.trust;
}

/** The probe context for one round. */
export function buildProbeContext(config: ResolvedConfig, signal: AbortSignal): ProbeContext {
  const { secureContext, caWarning } = cachedTrust(config.tls.extraCaFile);
  return {
    timeoutMs: config.probe.timeoutMs,
    signal,
    systemResolver: config.dns.system === "os" ? { kind: "os", label: "os" } : serversResolver(config.dns.system),
    publicResolvers: config.dns.public.map((a) => serversResolver([a])),
    secureContext,
    caWarning,
    userAgent: userAgent(),
  };
}

/** Shorthand for a failed phase. */
export const fail = (code: FailureCode, message: string): PhaseOutcome => ({ ok: false, code, message });
