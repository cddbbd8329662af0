/**
 * TLS phase: handshake on the connected socket without letting Node reject the certificate, then judge it here.
 * That way the certificate's issuer and subject are recorded even when untrusted: the evidence for antivirus
 * HTTPS scanning or a captive portal.
 */
import type { Socket } from "node:net";
import { isIP } from "node:net";
import { checkServerIdentity, connect, type DetailedPeerCertificate, type PeerCertificate, type SecureContext, type TLSSocket } from "node:tls";
import type { FailureCode, TlsDetail } from "../core/types.js";
import { fail, type PhaseProbe } from "./context.js";
import { armLimits, describeError, errorCode, ignoreErrors, once, type Limits } from "./limits.js";
import type { TrustSource } from "./trust.js";

/** What the TLS phase needs to say which store accepted a chain (trust.ts). */
export interface TrustAttribution {
  anchors: ReadonlyMap<string, TrustSource>;
  systemStore: { name: string; read: boolean };
}

const PRECEDENCE: readonly TrustSource[] = ["public", "config", "system"];

/**
 * The store that anchored an accepted chain: every certificate of the chain Node built (the server's plus the root
 * it found in our store) is looked up, and a public root wins over a configured one over a system-only one.
 */
export function anchorOf(socket: TLSSocket, anchors: ReadonlyMap<string, TrustSource>): TrustSource | null {
  const found = new Set<TrustSource>();
  const seen = new Set<string>();
  let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (cert !== undefined && Buffer.isBuffer(cert.raw)) {
    const key = cert.raw.toString("base64");
    if (seen.has(key)) break;
    seen.add(key);
    const source = anchors.get(key);
    if (source !== undefined) found.add(source);
    cert = cert.issuerCertificate;
  }
  return PRECEDENCE.find((s) => found.has(s)) ?? null;
}

const UNTRUSTED = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
]);

/** OpenSSL / Node verify errors → our failure codes. */
export function tlsVerifyFailureCode(verifyError: string): FailureCode {
  if (verifyError === "CERT_HAS_EXPIRED" || verifyError === "CERT_NOT_YET_VALID") return "TLS_EXPIRED";
  if (verifyError === "ERR_TLS_CERT_ALTNAME_INVALID" || verifyError === "HOSTNAME_MISMATCH") return "TLS_HOSTNAME_MISMATCH";
  if (UNTRUSTED.has(verifyError)) return "TLS_UNTRUSTED";
  return "TLS_HANDSHAKE";
}

const DN_ORDER = ["CN", "O", "OU", "L", "ST", "C"];

/** A certificate name as readable `CN=…, O=…` text, most telling parts first. */
export function formatDn(name: Record<string, string | string[] | undefined> | undefined): string | null {
  if (name === undefined || name === null) return null;
  const keys = [...DN_ORDER.filter((k) => k in name), ...Object.keys(name).filter((k) => !DN_ORDER.includes(k)).sort()];
  const parts = keys.flatMap((k) => {
    const v = name[k];
    return v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((x) => `${k}=${x}`);
  });
  return parts.length === 0 ? null : parts.join(", ");
}

/** What the peer's certificate says, whatever the verdict. */
export function tlsDetailOf(socket: TLSSocket, verifyError: string | null): TlsDetail {
  const cert = socket.getPeerCertificate() as PeerCertificate | Record<string, never>;
  const has = "subject" in cert && cert.subject !== undefined;
  let validTo: string | null = null;
  if (has && typeof cert.valid_to === "string") {
    const d = new Date(cert.valid_to);
    validTo = Number.isNaN(d.getTime()) ? cert.valid_to : d.toISOString();
  }
  return {
    issuer: has ? formatDn(cert.issuer as unknown as Record<string, string>) : null,
    subject: has ? formatDn(cert.subject as unknown as Record<string, string>) : null,
    verifyError,
    protocol: socket.getProtocol() ?? null,
    validTo,
  };
}

export interface TlsAnswer {
  socket: TLSSocket;
  detail: TlsDetail;
}

/** The handshake result: the trusted socket, or a code plus whatever detail the handshake showed. */
export type TlsOutcome = { ok: true; value: TlsAnswer } | { ok: false; code: FailureCode; message: string; detail: TlsDetail | null };

/** Handshakes on `socket` for `host` and judges the certificate against `secureContext`. Never throws. */
export async function startTls(socket: Socket, host: string, secureContext: SecureContext, limits: Limits, trust?: TrustAttribution): Promise<TlsOutcome> {
  const what = `TLS ${host}`;
  const result = once<TlsOutcome>();
  // RFC 6066 forbids an IP address as SNI; Node warns about it, so IP-literal targets go without.
  const tlsSocket = connect({ socket, servername: isIP(host) === 0 ? host : undefined, secureContext, rejectUnauthorized: false, ALPNProtocols: ["http/1.1"] });
  ignoreErrors(tlsSocket);
  const disarm = armLimits(limits, what, (message) => {
    tlsSocket.destroy();
    result.settle({ ok: false, code: "TLS_TIMEOUT", message, detail: null });
  });
  tlsSocket.once("secureConnect", () => {
    disarm();
    let verifyError: string | null = null;
    if (!tlsSocket.authorized) {
      const authErr = tlsSocket.authorizationError as unknown;
      verifyError = typeof authErr === "string" ? authErr : (errorCode(authErr) ?? (authErr instanceof Error ? authErr.message : "UNKNOWN_VERIFY_ERROR"));
    } else {
      const identity = checkServerIdentity(host, tlsSocket.getPeerCertificate());
      if (identity !== undefined) verifyError = errorCode(identity) ?? "ERR_TLS_CERT_ALTNAME_INVALID";
    }
    const detail = tlsDetailOf(tlsSocket, verifyError);
    if (trust !== undefined) {
      detail.systemStore = trust.systemStore;
      detail.trustedBy = verifyError === null ? anchorOf(tlsSocket, trust.anchors) : null;
    }
    if (verifyError === null) {
      result.settle({ ok: true, value: { socket: tlsSocket, detail } });
      return;
    }
    tlsSocket.destroy();
    result.settle({
      ok: false,
      code: tlsVerifyFailureCode(verifyError),
      message: `${what}: certificate not accepted (${verifyError}); issuer ${detail.issuer ?? "unknown"}, subject ${detail.subject ?? "unknown"}`,
      detail,
    });
  });
  const broke = (e: unknown): void => {
    disarm();
    tlsSocket.destroy();
    result.settle({ ok: false, code: "TLS_HANDSHAKE", message: `${what}: ${describeError(e)}`, detail: null });
  };
  tlsSocket.once("error", broke);
  tlsSocket.once("close", () => broke(new Error("connection closed during the handshake")));
  return result.promise;
}

/** Registry entry: TLS for `https://` targets only. */
export const tlsPhase: PhaseProbe = {
  phase: "tls",
  appliesTo: (t) => t.scheme === "https",
  async run(state, ctx) {
    if (state.socket === null) return fail("TLS_HANDSHAKE", "no connected socket");
    const trust = ctx.trustAnchors !== undefined && ctx.systemStore !== undefined ? { anchors: ctx.trustAnchors, systemStore: ctx.systemStore } : undefined;
    const r = await startTls(state.socket, state.target.host, ctx.secureContext, { timeoutMs: ctx.timeoutMs, signal: ctx.signal }, trust);
    if (!r.ok) {
      state.tls = r.detail;
      const note = ctx.caWarning !== null && r.detail !== null ? ` (note: ${ctx.caWarning})` : "";
      return fail(r.code, r.message + note);
    }
    state.tls = r.value.detail;
    state.tlsSocket = r.value.socket;
    return { ok: true };
  },
};
