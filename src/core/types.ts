/**
 * The agent's shared vocabulary: what a probe round measured and what the agent concluded from it.
 * Pure data, no I/O. Everything here is part of the public `diagnose --json` contract (see README), so
 * ids and codes are stable: add new ones, never rename.
 */

/** Closed set of expected failure codes. A probe reports one of these or it is a bug (`PROBE_BROKEN`). */
export const FAILURE_CODES = [
  "DNS_NXDOMAIN", // the resolver says the name does not exist
  "DNS_NODATA", // the name exists but has no address of the asked family
  "DNS_SERVFAIL", // the resolver failed to resolve (upstream broken, DNSSEC, …)
  "DNS_REFUSED", // the resolver refused to answer us
  "DNS_TIMEOUT", // no answer from the resolver in time
  "DNS_ERROR", // any other resolver error (malformed answer, connection refused to the resolver)
  "TCP_REFUSED", // RST on connect: nothing listens, or a firewall rejects
  "TCP_TIMEOUT", // SYN unanswered: blackhole, filtering firewall, routing
  "TCP_RESET", // connection reset after it was established
  "NET_UNREACHABLE", // no route to the network or host (EHOSTUNREACH/ENETUNREACH/EADDRNOTAVAIL)
  "TLS_UNTRUSTED", // certificate chain does not lead to a trusted root (interception, self-signed)
  "TLS_HOSTNAME_MISMATCH", // trusted chain, but not for this host name (proxy, captive portal)
  "TLS_EXPIRED", // certificate outside its validity period (often a wrong system clock)
  "TLS_HANDSHAKE", // handshake aborted (alert, reset during handshake, protocol mismatch)
  "TLS_TIMEOUT", // TCP connected but the handshake never completed
  "HTTP_5XX", // the server answered with a server error
  "HTTP_4XX", // the server answered but refused the request (counts as reachable, see classify)
  "HTTP_TIMEOUT", // no response headers in time
  "HTTP_PROTOCOL", // the answer was not HTTP (garbage, connection closed mid-response)
  "DEADLINE", // the round's overall deadline cut this phase short
  "PROBE_BROKEN", // the probe itself threw: a bug in the agent, never evidence of an outage
] as const;
export type FailureCode = (typeof FAILURE_CODES)[number];

/** Phases of one target, in the order they run. `tcp://` targets stop after `tcp`. */
export const PHASES = ["dns", "tcp", "tls", "http"] as const;
export type PhaseName = (typeof PHASES)[number];

export type PhaseResult =
  | { status: "ok"; ms: number }
  | { status: "fail"; code: FailureCode; ms: number; message: string }
  /** Not run: an earlier phase failed, or the phase does not apply to the target's scheme. */
  | { status: "skipped"; reason: string };

/** DNS answer through one resolver (the system one or a public one used for comparison). */
export interface ResolverAnswer {
  /** `"os"` for the operating system's resolver, otherwise `ip[:port]`. */
  resolver: string;
  role: "system" | "public";
  result: PhaseResult;
  addresses: string[];
}

/** What the TLS handshake showed about the certificate; recorded whether or not it was trusted. */
export interface TlsDetail {
  issuer: string | null;
  subject: string | null;
  /** OpenSSL's verify error (e.g. `SELF_SIGNED_CERT_IN_CHAIN`, `ERR_TLS_CERT_ALTNAME_INVALID`), null when trusted. */
  verifyError: string | null;
  protocol: string | null;
  validTo: string | null;
  /**
   * Which trust store anchored the chain when it was accepted: `public` (Node's bundled Mozilla roots), `config`
   * (`tls.extraCaFile`) or `system` (only the operating system's store: what the game trusts on Windows, and where
   * antivirus and corporate proxies install their interception roots). Null when not accepted; absent when unknown.
   */
  trustedBy?: "public" | "config" | "system" | null;
  /** The operating system's trust store as this check saw it: its name ("Windows") and whether it could be read. */
  systemStore?: { name: string; read: boolean };
}

export type TargetGroup = "bsg" | "control";

/** Everything measured for one configured target in one round. */
export interface TargetResult {
  id: string;
  group: TargetGroup;
  url: string;
  scheme: "https" | "tcp";
  host: string;
  port: number;
  /** Address the transport phases connected to (from the system resolver), null if DNS failed. */
  address: string | null;
  phases: Record<PhaseName, PhaseResult>;
  /** System resolver first, then each public resolver: lets the verdict tell a broken ISP resolver apart. */
  dns: ResolverAnswer[];
  tls: TlsDetail | null;
  httpStatus: number | null;
  /** Time to first byte of the HTTP response, measured from sending the request. */
  ttfbMs: number | null;
  /** Set when the probe threw: the whole target counts as missing evidence, not as a failure. */
  broken: string | null;
  durationMs: number;
  /**
   * The DNS cross-check: when the system resolver's address failed (after DNS) and a public resolver answered a
   * different address, the same connection (same name, same SNI) to that address. Null/absent when not needed.
   */
  publicAddress?: PublicAddressCheck | null;
}

/** The connection to a public resolver's address for a name whose system-resolver address failed. */
export interface PublicAddressCheck {
  address: string;
  /** The public resolver that gave it (`ip[:port]`). */
  resolver: string;
  /** `dns` is skipped (the address is given); the transport phases run as for the target itself. */
  phases: Record<PhaseName, PhaseResult>;
  tls: TlsDetail | null;
  httpStatus: number | null;
}

export type GatewayState = "alive" | "dead" | "no-route" | "unknown";

/** Is the first hop (home router) there? Alive when a TCP connect is accepted *or refused*. */
export interface GatewayResult {
  host: string | null;
  source: "auto" | "config";
  state: GatewayState;
  /** How liveness was shown: `tcp:<port>:accepted`, `tcp:<port>:refused`, `icmp`, or null. */
  via: string | null;
  ms: number | null;
  /** Plain-words detail, e.g. "no default route in /proc/net/route". */
  message: string;
  /** ICMP echo through the OS `ping`, an extra signal where it exists: null when not tried. */
  icmp: boolean | null;
}

/** BSG's own status codes: 0 OK, 1 updating, 2 unstable, 3 down (eft-facts §2). */
export type BsgStatusState = "ok" | "updating" | "unstable" | "down";
export type StatusApiState = BsgStatusState | "unknown" | "disabled";

export interface StatusService {
  name: string;
  status: number;
}

export interface StatusMessage {
  time: string | null;
  type: number | null;
  content: string;
  solveTime: string | null;
}

export interface StatusApiResult {
  /** `unknown` when the API could not be read or returned junk; `disabled` when `statusApi` is null. */
  state: StatusApiState;
  globalStatus: number | null;
  /** BSG's global message, blanked when it is the API's "Access denied" noise. */
  message: string | null;
  services: StatusService[];
  /** Open incidents first (solveTime null). */
  messages: StatusMessage[];
  /** Why the state is unknown (timeout, HTML instead of JSON, …); null when read fine. */
  error: string | null;
  ms: number | null;
}

/** One complete probe round: the only input the verdict needs. */
export interface RoundResult {
  at: string;
  durationMs: number;
  /** True when the overall deadline cut the round short. */
  deadlineHit: boolean;
  targets: TargetResult[];
  gateway: GatewayResult;
  statusApi: StatusApiResult;
  /** Extra evidence from outside the probes (game log lines), shown with the verdict. */
  extraEvidence?: Evidence[];
}

/** Verdict ids: public and stable (README "Verdicts"). */
export const VERDICT_IDS = [
  "ok",
  "maintenance",
  "server-outage",
  "bsg-degraded",
  "bsg-unreachable",
  "dns-failure",
  "tls-intercepted",
  "no-internet",
  "local-network",
  "inconclusive",
] as const;
export type VerdictId = (typeof VERDICT_IDS)[number];

/**
 * The variant of a verdict: which rule decided it. Advice and the fixes that apply are chosen per variant (one
 * table, src/core/advice.ts), so two situations with the same verdict can need different next steps. Public and
 * stable like the verdict ids (README "What it tells you: verdicts").
 */
export const VARIANTS = {
  ok: "ok",
  "ok-inspected": "ok",
  maintenance: "maintenance",
  "status-down": "server-outage",
  "server-errors": "server-outage",
  "bsg-dns-down": "server-outage",
  "bsg-degraded": "bsg-degraded",
  "bsg-unreachable": "bsg-unreachable",
  "resolver-fails": "dns-failure",
  "dns-hijack": "dns-failure",
  "dns-blocked": "dns-failure",
  intercepted: "tls-intercepted",
  "intercepted-everywhere": "tls-intercepted",
  "captive-portal": "tls-intercepted",
  "wrong-clock": "tls-intercepted",
  "no-internet": "no-internet",
  "local-network": "local-network",
  inconclusive: "inconclusive",
  "unknown-names": "inconclusive",
} as const satisfies Record<string, VerdictId>;
export type VariantId = keyof typeof VARIANTS;
export const VARIANT_IDS = Object.keys(VARIANTS) as VariantId[];

export type Confidence = "high" | "medium" | "low";

export interface Evidence {
  /** What the line is about, for grouping in reports. */
  kind: "target" | "dns" | "gateway" | "status-api" | "controls" | "game-log" | "firewall" | "broken-probe" | "missing";
  /** One plain sentence a support engineer can read. */
  text: string;
  targetId?: string;
  code?: FailureCode;
  /**
   * How much this line matters: `problem` explains the failure, `info` is worth knowing but breaks nothing (e.g.
   * HTTPS inspected by an antivirus that Windows trusts). Absent on plain context lines.
   */
  severity?: "problem" | "info";
}

/** One thing to do next; `step` refers to the manual checklist (1–10), `fixId` to an automatic fix. */
export interface Advice {
  step: number | null;
  /** In English (logs, `--json`); people read it in their language through `key` (src/core/i18n/advice.ts). */
  text: string;
  fixId?: string;
  /** The line's key in the message catalogue: `lines.<key>`, or `product:<id>` / `productMaybe:<id>`. */
  key?: string;
}

export interface Diagnosis {
  verdict: VerdictId;
  /** Which rule decided the verdict; selects the advice and the fixes that apply. Always set by `classify`. */
  variant?: VariantId;
  confidence: Confidence;
  /** One line for a toast title or the tray status. */
  headline: string;
  /** What it means, in plain words, two sentences at most. */
  meaning: string;
  evidence: Evidence[];
  advice: Advice[];
}
