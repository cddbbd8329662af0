/**
 * The registry of phase probes, in the order they run for a target. Adding a kind = one file exporting a
 * `PhaseProbe` + one line here (and its name in core/types.ts `PHASES`, which is the public contract).
 */
import type { PhaseProbe } from "./context.js";
import { dnsPhase } from "./dns.js";
import { httpPhase } from "./http.js";
import { tcpPhase } from "./tcp.js";
import { tlsPhase } from "./tls.js";

export const PHASE_PROBES: readonly PhaseProbe[] = [dnsPhase, tcpPhase, tlsPhase, httpPhase];
