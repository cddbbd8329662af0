/**
 * The trust store the TLS phase verifies against, and where each root in it came from.
 *
 * Node trusts only its bundled Mozilla roots; the game trusts the operating system's store (on Windows, the one
 * antivirus web shields and corporate proxies install their interception roots into). So the agent verifies
 * against both and remembers which one anchored a chain: a chain only the system store accepts is HTTPS inspected
 * by something the game will accept too, a chain nobody accepts will fail in the game as well.
 *
 * The system store comes from Node's own API where the runtime has it (`tls.getCACertificates("system")`, Node
 * 22.15+, which the shipped 22.x runtime does), feature-detected so Node 20 still runs and says it could not look.
 * `TARKOV_AGENT_SYSTEM_CA_FILE` (a PEM file) stands in for the system store: tests use it to play "Windows
 * trusts this root" on Linux, and support can use it to reproduce a player's store.
 */
import { readFileSync } from "node:fs";
import * as tls from "node:tls";
import { createSecureContext, rootCertificates, type SecureContext } from "node:tls";
import { describeError, errorCode } from "./limits.js";

export type TrustSource = "public" | "config" | "system";

/** Environment variable naming a PEM file that replaces the operating system's trust store. */
export const SYSTEM_CA_ENV = "TARKOV_AGENT_SYSTEM_CA_FILE";

/** The operating system's store as read once: its name for players, its roots (PEM), or why it could not be read. */
export interface SystemStore {
  name: string;
  certs: string[] | null;
  reason: string | null;
}

export interface TrustStore {
  secureContext: SecureContext;
  /** Set when the extra CA file could not be used; appended to TLS failures so the cause is visible. */
  caWarning: string | null;
  /** Each trusted root by its DER (base64) → the store it came from; public wins over config over system. */
  anchors: ReadonlyMap<string, TrustSource>;
  systemStore: { name: string; read: boolean };
}

/** What players call the store the game trusts. */
export function platformStoreName(platform: NodeJS.Platform = process.platform): string {
  return platform === "win32" ? "Windows" : platform === "darwin" ? "macOS" : "this system";
}

/** The PEM certificates in a text, each as its own PEM block. */
export function splitPem(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** A certificate's identity for lookups: its DER as base64, whether it came as PEM or as `raw` bytes. */
export const certKey = (pem: string): string => pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");

type GetCaCertificates = (type: "system" | "bundled" | "extra" | "default") => string[];

/** Reads the system store: the override file, Node's system-CA API where this runtime has it, or nothing (and why). */
export function readSystemStore(env: NodeJS.ProcessEnv = process.env, readFile: (path: string) => string = (p) => readFileSync(p, "utf8")): SystemStore {
  const name = platformStoreName();
  const override = env[SYSTEM_CA_ENV];
  if (override !== undefined && override !== "") {
    try {
      return { name, certs: splitPem(readFile(override)), reason: null };
    } catch (e) {
      return { name, certs: null, reason: `${SYSTEM_CA_ENV}=${override} could not be read (${errorCode(e) ?? describeError(e)})` };
    }
  }
  const get = (tls as unknown as { getCACertificates?: GetCaCertificates }).getCACertificates;
  if (typeof get !== "function") return { name, certs: null, reason: `Node ${process.version} cannot read the system trust store (needs 22.15 or newer)` };
  try {
    return { name, certs: get("system"), reason: null };
  } catch (e) {
    return { name, certs: null, reason: `the system trust store could not be read (${describeError(e)})` };
  }
}

/**
 * Builds the trust store: bundled roots + the configured extra CA + the system store's roots Node does not bundle.
 * A malformed extra CA or system root must not cost the round: fall back to what works and say why.
 */
export function buildTrust(
  extraCaFile: string | null,
  readFile: (path: string) => string = (p) => readFileSync(p, "utf8"),
  system: SystemStore = readSystemStore(),
): TrustStore {
  const anchors = new Map<string, TrustSource>();
  const systemOnly: string[] = [];
  for (const pem of system.certs ?? []) {
    const key = certKey(pem);
    if (!anchors.has(key)) {
      anchors.set(key, "system");
      systemOnly.push(pem);
    }
  }
  let extra: string[] = [];
  let caWarning: string | null = null;
  if (extraCaFile !== null) {
    try {
      const text = readFile(extraCaFile);
      extra = splitPem(text);
      if (extra.length === 0) extra = [text]; // let createSecureContext say what is wrong with it
    } catch (e) {
      caWarning = `extra CA file ${extraCaFile} could not be read (${errorCode(e) ?? describeError(e)})`;
    }
  }
  for (const pem of extra) anchors.set(certKey(pem), "config");
  for (const pem of rootCertificates) anchors.set(certKey(pem), "public");
  const bundledKeys = new Set(rootCertificates.map(certKey));
  const systemExtra = systemOnly.filter((pem) => !bundledKeys.has(certKey(pem)));
  const systemStore = { name: system.name, read: system.certs !== null };
  const attempt = (ca: string[]): SecureContext | null => {
    try {
      return createSecureContext({ ca });
    } catch {
      return null;
    }
  };
  const full = attempt([...rootCertificates, ...extra, ...systemExtra]);
  if (full !== null) return { secureContext: full, caWarning, anchors, systemStore };
  const withoutSystem = attempt([...rootCertificates, ...extra]);
  if (withoutSystem !== null) {
    for (const [k, v] of anchors) if (v === "system") anchors.delete(k);
    return { secureContext: withoutSystem, caWarning, anchors, systemStore: { ...systemStore, read: false } };
  }
  for (const [k, v] of anchors) if (v !== "public") anchors.delete(k);
  return {
    secureContext: createSecureContext({ ca: [...rootCertificates] }),
    caWarning: `extra CA file ${extraCaFile ?? ""} is not a usable PEM`,
    anchors,
    systemStore: { ...systemStore, read: false },
  };
}
