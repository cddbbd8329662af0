/**
 * The probe engine's public face: run a round, or single probes for the monitor's quick checks. The phase
 * registry lives in registry.ts (one file per kind + one line there).
 */
export { PHASE_PROBES } from "./registry.js";
export { runRound, type RoundOptions } from "./round.js";
export { probeTarget, notStartedResult, brokenResult, PHASE_TIMEOUT_CODE } from "./target.js";
export { probeGateway, findDefaultGateway, parseProcNetRoute, parseWindowsRoutePrint, pingOnce, defaultGatewayDeps, type GatewayDeps, type ExecResult } from "./gateway.js";
export { probeStatusApi, interpretStatus, fetchUrl } from "./status-api.js";
export { resolveName, dnsFailureCode, dnsPhase } from "./dns.js";
export { connectTcp, tcpFailureCode, tcpPhase } from "./tcp.js";
export { startTls, tlsVerifyFailureCode, formatDn, tlsPhase, type TlsOutcome } from "./tls.js";
export { httpGet, httpStatusFailure, hostHeader, httpPhase, type HttpAnswer } from "./http.js";
export { buildProbeContext, buildTrust, parseTargetUrl, serversResolver, userAgent, type ProbeContext, type PhaseProbe, type ChainState, type ParsedTarget, type ResolverSpec } from "./context.js";
export { DEADLINE_MESSAGE, type Limits, type PhaseOutcome } from "./limits.js";
