/** Builds RoundResults for the pure verdict tests: describe a target by the code of its failing phase. */
import type { FailureCode, PhaseName, PhaseResult, RoundResult, StatusApiState, TargetGroup, TargetResult } from "../../src/core/types.js";

const ok = (ms = 10): PhaseResult => ({ status: "ok", ms });
const skipped: PhaseResult = { status: "skipped", reason: "earlier phase failed" };

const phaseOf = (code: FailureCode): PhaseName =>
  code.startsWith("DNS_") || code === "DEADLINE" ? "dns" : code.startsWith("TCP_") || code === "NET_UNREACHABLE" ? "tcp" : code.startsWith("TLS_") ? "tls" : "http";

export interface TargetSpec {
  id: string;
  group?: TargetGroup;
  /** Failure code of the first failing phase; omitted = all phases ok. */
  fail?: FailureCode;
  /** DNS via the public resolver works even though the system one failed. */
  publicDnsOk?: boolean;
  broken?: boolean;
  host?: string;
  issuer?: string;
  /** `tcp://` targets stop after the TCP phase. */
  scheme?: "https" | "tcp";
  /** Which store accepted the certificate (TLS ok), or null when it was rejected; sets the TLS detail. */
  trustedBy?: "public" | "config" | "system" | null;
  /** The system store could be read (default true when `trustedBy` or `issuer` is given). */
  systemStoreRead?: boolean;
  /** The cross-check at the public resolver's address (192.0.2.99): ok, or the code it failed with. */
  publicAddress?: "ok" | FailureCode;
  /** The address your DNS gave (default 192.0.2.1). */
  address?: string;
}

export function target(spec: TargetSpec): TargetResult {
  const group = spec.group ?? "bsg";
  const host = spec.host ?? `${spec.id}.example.test`;
  const na: PhaseResult = { status: "skipped", reason: "not applicable to tcp:// targets" };
  const tcpOnly = spec.scheme === "tcp";
  const phases: Record<PhaseName, PhaseResult> = { dns: ok(), tcp: ok(), tls: tcpOnly ? na : ok(), http: tcpOnly ? na : ok() };
  if (spec.broken) {
    for (const p of ["dns", "tcp", "tls", "http"] as const) phases[p] = { status: "skipped", reason: "probe broken" };
  } else if (spec.fail) {
    const failing = phaseOf(spec.fail);
    let after = false;
    for (const p of ["dns", "tcp", "tls", "http"] as const) {
      if (p === failing) {
        phases[p] = { status: "fail", code: spec.fail, ms: 100, message: "" };
        after = true;
      } else if (after) phases[p] = skipped;
    }
  }
  const systemFailed = spec.fail !== undefined && phaseOf(spec.fail) === "dns";
  const systemResult = phases.dns;
  return {
    id: spec.id,
    group,
    url: tcpOnly ? `tcp://${host}:443` : `https://${host}/`,
    scheme: tcpOnly ? "tcp" : "https",
    host,
    port: 443,
    address: systemFailed ? null : (spec.address ?? "192.0.2.1"),
    phases,
    dns: [
      { resolver: "os", role: "system", result: systemResult, addresses: systemFailed ? [] : [spec.address ?? "192.0.2.1"] },
      {
        resolver: "1.1.1.1",
        role: "public",
        result: systemFailed && !spec.publicDnsOk ? { status: "fail", code: "DNS_TIMEOUT", ms: 500, message: "" } : ok(),
        addresses: systemFailed && !spec.publicDnsOk ? [] : [spec.publicAddress === undefined ? "192.0.2.1" : "192.0.2.99"],
      },
    ],
    tls:
      spec.issuer || spec.trustedBy !== undefined
        ? {
            issuer: spec.issuer ?? null,
            subject: spec.fail === "TLS_HOSTNAME_MISMATCH" ? "CN=portal.captive.example" : `CN=${host}`,
            verifyError: spec.fail === "TLS_HOSTNAME_MISMATCH" ? "ERR_TLS_CERT_ALTNAME_INVALID" : spec.fail === "TLS_EXPIRED" ? "CERT_HAS_EXPIRED" : spec.fail?.startsWith("TLS_") ? "SELF_SIGNED_CERT_IN_CHAIN" : null,
            protocol: "TLSv1.3",
            validTo: null,
            trustedBy: spec.trustedBy ?? null,
            systemStore: { name: "Windows", read: spec.systemStoreRead ?? true },
          }
        : null,
    publicAddress:
      spec.publicAddress === undefined
        ? null
        : {
            address: "192.0.2.99",
            resolver: "1.1.1.1",
            phases:
              spec.publicAddress === "ok"
                ? { dns: { status: "skipped", reason: "address from 1.1.1.1" }, tcp: ok(), tls: ok(), http: ok() }
                : { dns: { status: "skipped", reason: "address from 1.1.1.1" }, tcp: { status: "fail", code: spec.publicAddress, ms: 100, message: "" }, tls: skipped, http: skipped },
            tls: null,
            httpStatus: spec.publicAddress === "ok" ? 200 : null,
          },
    httpStatus: spec.fail === "HTTP_5XX" ? 503 : spec.fail === "HTTP_4XX" ? 403 : spec.fail || tcpOnly ? null : 200,
    ttfbMs: null,
    broken: spec.broken ? "TypeError: boom" : null,
    durationMs: 100,
  };
}

export interface RoundSpec {
  bsg: TargetSpec[];
  controls: TargetSpec[];
  gateway?: "alive" | "dead" | "no-route" | "unknown";
  status?: StatusApiState;
}

export function round(spec: RoundSpec): RoundResult {
  const status = spec.status ?? "ok";
  const code = { ok: 0, updating: 1, unstable: 2, down: 3, unknown: null, disabled: null }[status];
  return {
    at: "2026-11-21T20:00:00.000Z",
    durationMs: 500,
    deadlineHit: false,
    targets: [...spec.bsg.map((t) => target({ ...t, group: "bsg" })), ...spec.controls.map((t) => target({ ...t, group: "control" }))],
    gateway: { host: "192.168.1.1", source: "auto", state: spec.gateway ?? "alive", via: "tcp:53:accepted", ms: 2, message: "", icmp: null },
    statusApi: { state: status, globalStatus: code, message: status === "updating" ? "Scheduled maintenance" : null, services: [], messages: [], error: status === "unknown" ? "timeout" : null, ms: 50 },
  };
}
