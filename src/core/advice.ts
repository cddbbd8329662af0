/**
 * What to do next, per verdict variant, mapped to the manual "backend error" checklist (steps 1–10) and, where the
 * agent can do it itself, to a fix id. Players are not engineers: one plain action per line, most useful first.
 *
 * This table is the ONE place that says which automatic fixes fit a situation: `diagnose` prints these lines, the
 * fix engine marks "applies now" and auto-applies from `applicableFixIds` (the same lines), and each fix's
 * `appliesTo` in the catalogue is derived from it with `verdictsAdvising`. Advice and fixes cannot contradict.
 *
 * Fixes are offered by evidence, not by the verdict alone: a line with `when` is only given when the evidence shows
 * it (a Windows Firewall rule that blocks the game; security software in the middle that is not a known
 * third-party product). The words live in the message catalogue (src/core/i18n/advice.ts); `text` is English.
 */
import type { AdviceLineKey } from "./i18n/advice.js";
import { EN } from "./i18n/index.js";
import type { Interceptor } from "./interception.js";
import type { Advice, Diagnosis, Evidence, VariantId, VerdictId } from "./types.js";
import { VARIANTS, VARIANT_IDS } from "./types.js";

/** The manual checklist the agent automates; step numbers are referenced from advice and reports. */
export const GUIDE_STEPS: Record<number, string> = EN.advice.steps;

/**
 * Evidence a line needs before it is given:
 * - `firewall-block`: Windows Firewall has an enabled BLOCK rule for the game or the launcher (Get-AgentFirewallState).
 *   The agent's own probes are not the game, so the verdict can be `ok` while the game is blocked.
 * - `unknown-interceptor`: security software sits in the middle of HTTPS and it is none of the third-party products
 *   the agent knows (with a known one, its own setting is the fix, not Microsoft Defender).
 */
export type AdviceCondition = "firewall-block" | "unknown-interceptor";

/** One line of the table: advice, and when it needs evidence, which. */
export interface AdviceEntry extends Advice {
  key: AdviceLineKey;
  when?: AdviceCondition;
}

const line = (step: number | null, key: AdviceLineKey, extra: { fixId?: string; when?: AdviceCondition } = {}): AdviceEntry => ({
  step,
  key,
  text: EN.advice.lines[key],
  ...(extra.fixId === undefined ? {} : { fixId: extra.fixId }),
  ...(extra.when === undefined ? {} : { when: extra.when }),
});

// Offered only when Windows Firewall is seen blocking the game (never for a verdict alone: ISP routing is not a firewall).
const FIREWALL_BLOCKS = line(6, "firewallBlocks", { fixId: "firewall-allow-eft", when: "firewall-block" });
const DEFENDER_IF_BLOCKED = line(6, "defenderIfBlocked", { fixId: "defender-exclusion-eft", when: "firewall-block" });

const WAIT_FOR_BSG: AdviceEntry[] = [
  line(1, "bsgWait"),
  // No fix id: restarting the launcher during the outage changes nothing, so it must not "apply now".
  line(2, "bsgThenRestart"),
];

const STOP_SCANNING = line(6, "stopScanning");
const PORTAL = line(null, "portal");
const PROXY = line(null, "proxy");
const DEFENDER_INTERCEPTION = line(6, "defenderInterception", { fixId: "defender-exclusion-eft", when: "unknown-interceptor" });

/** Extra advice when a certificate is out of its validity period: almost always a wrong PC clock. */
export const CLOCK_ADVICE: Advice = line(null, "clock");

/** The advice of each variant before the situation (evidence, the intercepting product) picks and adds lines. */
export const VARIANT_ADVICE: Record<VariantId, readonly AdviceEntry[]> = {
  ok: [
    FIREWALL_BLOCKS,
    DEFENDER_IF_BLOCKED,
    // The advice is to restart the launcher now (if the game still errors): the agent can do that part.
    line(2, "okRestart", { fixId: "restart-launcher" }),
    line(9, "okRepair"),
  ],
  "ok-inspected": [
    FIREWALL_BLOCKS,
    DEFENDER_IF_BLOCKED,
    line(2, "inspectedRestart", { fixId: "restart-launcher" }),
    line(6, "inspectedScanning"),
    line(9, "inspectedRepair"),
  ],
  maintenance: [line(1, "maintenanceWait"), line(2, "maintenanceRestart")],
  "status-down": WAIT_FOR_BSG,
  "server-errors": WAIT_FOR_BSG,
  "bsg-dns-down": WAIT_FOR_BSG,
  "bsg-degraded": [
    line(2, "degradedRestart", { fixId: "restart-launcher" }),
    FIREWALL_BLOCKS,
    DEFENDER_IF_BLOCKED,
    line(1, "degradedStatus"),
    line(8, "degradedVpn"),
  ],
  "bsg-unreachable": [
    FIREWALL_BLOCKS,
    DEFENDER_IF_BLOCKED,
    line(3, "routerRestartCheck"),
    line(4, "flushDnsCache", { fixId: "flush-dns" }),
    line(2, "restartGameLauncher", { fixId: "restart-launcher" }),
    line(8, "vpnIsp"),
  ],
  "resolver-fails": [
    line(5, "switchDns", { fixId: "switch-dns" }),
    line(4, "flushDnsCacheShort", { fixId: "flush-dns" }),
    line(3, "routerDnsStuck"),
  ],
  "dns-hijack": [
    line(5, "hijackSwitchDns", { fixId: "switch-dns" }),
    line(4, "hijackFlush", { fixId: "flush-dns" }),
    line(null, "hijackRouter"),
  ],
  // Public resolvers do not answer either, so switching DNS cannot help: no fix applies here.
  "dns-blocked": [line(null, "blockedBrowser"), line(6, "blockedSuite"), line(3, "routerRestart")],
  intercepted: [STOP_SCANNING, PORTAL, PROXY, DEFENDER_INTERCEPTION],
  "intercepted-everywhere": [STOP_SCANNING, PROXY, PORTAL, DEFENDER_INTERCEPTION],
  "captive-portal": [line(null, "portalSignIn"), STOP_SCANNING, PROXY],
  "wrong-clock": [line(null, "clock"), STOP_SCANNING, PORTAL],
  "no-internet": [
    line(3, "noInternetRouter"),
    line(4, "renewIp", { fixId: "renew-ip" }),
    line(null, "callIsp"),
    line(4, "resetIfIspFine", { fixId: "reset-network-stack" }),
  ],
  "local-network": [
    line(7, "checkCable"),
    line(3, "routerRestart"),
    line(4, "renewIpShort", { fixId: "renew-ip" }),
    line(4, "resetStillNothing", { fixId: "reset-network-stack" }),
    line(10, "updateDriver"),
  ],
  inconclusive: [FIREWALL_BLOCKS, line(null, "checkAgain"), line(null, "collectBundle")],
  "unknown-names": [line(null, "updateAgent"), line(null, "collectBundle")],
};

/** The variant a verdict stands for when nothing more specific is known (a diagnosis made without a variant). */
export const DEFAULT_VARIANT: Record<VerdictId, VariantId> = {
  ok: "ok",
  maintenance: "maintenance",
  "server-outage": "server-errors",
  "bsg-degraded": "bsg-degraded",
  "bsg-unreachable": "bsg-unreachable",
  "dns-failure": "resolver-fails",
  "tls-intercepted": "intercepted",
  "no-internet": "no-internet",
  "local-network": "local-network",
  inconclusive: "inconclusive",
};

/** What the situation adds to the variant's advice. */
export interface AdviceContext {
  /** The product whose certificate was seen in the middle (names the one setting to change). */
  interceptor?: Interceptor | null;
  /** Windows Firewall blocks the game or the launcher (see `firewallBlocks`). */
  firewallBlock?: boolean;
}

/** True when the evidence holds a Windows Firewall BLOCK rule for the game (src/core/firewall-evidence.ts). */
export const firewallBlocks = (evidence: readonly Evidence[] | undefined): boolean => (evidence ?? []).some((e) => e.kind === "firewall" && e.severity === "problem");

const INTERCEPTION_VARIANTS: ReadonlySet<VariantId> = new Set(["intercepted", "intercepted-everywhere", "ok-inspected", "wrong-clock"]);

function holds(when: AdviceCondition | undefined, ctx: AdviceContext): boolean {
  if (when === undefined) return true;
  if (when === "firewall-block") return ctx.firewallBlock === true;
  return (ctx.interceptor ?? null) === null;
}

/** A table line as a diagnosis carries it (without the table's condition). */
const asAdvice = ({ when: _when, ...a }: AdviceEntry): Advice => a;

/** The advice for one variant in one situation: lines whose evidence is there, the product's own setting first. */
export function adviceFor(variant: VariantId, ctx: AdviceContext = {}): Advice[] {
  const base = VARIANT_ADVICE[variant].filter((a) => holds(a.when, ctx));
  const product = ctx.interceptor ?? null;
  if (product === null || !INTERCEPTION_VARIANTS.has(variant)) return base.map(asAdvice);
  const setting: Advice = { step: 6, key: `product:${product.id}`, text: EN.advice.itIs(product.name, EN.advice.productSetting[product.id]) };
  if (variant === "wrong-clock") return [asAdvice(base[0]!), setting, ...base.slice(2).map(asAdvice)];
  if (variant === "ok-inspected") {
    const maybe: Advice = { step: 6, key: `productMaybe:${product.id}`, text: EN.advice.maybeIt(product.name, EN.advice.productSetting[product.id]) };
    return base.map((a) => (a.key === "inspectedScanning" ? maybe : asAdvice(a)));
  }
  // The product line replaces the generic "turn off scanning" line.
  return [setting, ...base.filter((a) => a !== STOP_SCANNING).map(asAdvice)];
}

const fixIdsOf = (advice: readonly Advice[]): string[] => [...new Set(advice.flatMap((a) => (a.fixId === undefined ? [] : [a.fixId])))];

/**
 * The automatic fixes that apply to a diagnosis: exactly the ones its advice offers (advice chosen by `adviceFor`
 * from this table and the evidence). A diagnosis without advice or without a variant (made elsewhere, or by an
 * older version) counts as its verdict's default variant, with only the lines that need no evidence.
 */
export function applicableFixIds(d: Pick<Diagnosis, "verdict" | "variant"> & { advice?: readonly Advice[] }): string[] {
  if (d.advice !== undefined && d.variant !== undefined) return fixIdsOf(d.advice);
  return fixIdsOf(adviceFor(d.variant ?? DEFAULT_VARIANT[d.verdict]));
}

/** The verdicts in which some variant can offer this fix (given the evidence): a catalogue entry's `appliesTo`. */
export function verdictsAdvising(fixId: string): VerdictId[] {
  const verdicts = VARIANT_IDS.filter((v) => fixIdsOf(VARIANT_ADVICE[v]).includes(fixId)).map((v) => VARIANTS[v]);
  return [...new Set(verdicts)];
}
