/**
 * What to do next, per verdict variant, mapped to the manual "backend error" checklist (steps 1–10) and, where the
 * agent can do it itself, to a fix id. Players are not engineers: one plain action per line, most useful first.
 *
 * This table is the ONE place that says which automatic fixes fit a situation: `diagnose` prints these lines, the
 * fix engine marks "applies now" and auto-applies from `applicableFixIds` (the same lines), and each fix's
 * `appliesTo` in the catalogue is derived from it with `verdictsAdvising`. Advice and fixes cannot contradict.
 */
import type { Interceptor } from "./interception.js";
import type { Advice, Diagnosis, VariantId, VerdictId } from "./types.js";
import { VARIANTS, VARIANT_IDS } from "./types.js";

/** The manual checklist the agent automates; step numbers are referenced from advice and reports. */
export const GUIDE_STEPS: Record<number, string> = {
  1: "Check BSG's server status",
  2: "Restart the game and the launcher",
  3: "Restart your router/modem",
  4: "Flush DNS and renew your IP address",
  5: "Switch DNS to Cloudflare or Google",
  6: "Firewall and antivirus exceptions for Tarkov and the launcher",
  7: "Use a cable instead of Wi-Fi",
  8: "Use a VPN or another region when your ISP's route is bad",
  9: "Verify/repair the game files in the launcher",
  10: "Update your network drivers",
};

const STATUS_PAGE = "https://status.escapefromtarkov.com";

const WAIT_FOR_BSG: Advice[] = [
  { step: 1, text: `The problem is on BSG's side: wait, and watch ${STATUS_PAGE}. Nothing on your PC needs changing.` },
  // No fix id: restarting the launcher during the outage changes nothing, so it must not "apply now".
  { step: 2, text: "Once BSG is back, restart the game and the launcher." },
];

const STOP_SCANNING: Advice = { step: 6, text: "Turn off HTTPS/web scanning in your antivirus for escapefromtarkov.com (or add an exception), then check again." };
const PORTAL: Advice = { step: null, text: "On public or hotel Wi-Fi, open a browser and accept the network's sign-in page." };
const PROXY: Advice = { step: null, text: "Using a proxy or VPN client that inspects traffic? Turn it off for the game and check again." };

/** Extra advice when a certificate is out of its validity period: almost always a wrong PC clock. */
export const CLOCK_ADVICE: Advice = {
  step: null,
  text: "A certificate looked expired or not yet valid: check that your PC's date, time and time zone are right (Settings → Time & language → Set time automatically).",
};

/** The advice of each variant before anything situation-specific (the intercepting product) is added. */
export const VARIANT_ADVICE: Record<VariantId, readonly Advice[]> = {
  ok: [
    { step: 2, text: "Nothing is wrong with the connection. If the game still shows a backend error, restart the game and the launcher." },
    { step: 9, text: "Still failing? Repair the game files in the launcher (your progress is safe: it lives on BSG's servers)." },
  ],
  "ok-inspected": [
    { step: 2, text: "The connection works. If the game still shows a backend error, restart the game and the launcher." },
    { step: 6, text: "Still failing? Turn off your antivirus's HTTPS scanning for escapefromtarkov.com: the game connects through it, and it is the first suspect." },
    { step: 9, text: "Then repair the game files in the launcher (your progress is safe: it lives on BSG's servers)." },
  ],
  maintenance: [
    { step: 1, text: `BSG is updating the game: wait for the maintenance to end (progress on ${STATUS_PAGE}). Nothing on your PC needs changing.` },
    { step: 2, text: "When it is over, restart the launcher so it can install the update." },
  ],
  "status-down": WAIT_FOR_BSG,
  "server-errors": WAIT_FOR_BSG,
  "bsg-dns-down": WAIT_FOR_BSG,
  "bsg-degraded": [
    { step: 2, text: "Restart the game and the launcher: that often gets you onto a server that works.", fixId: "restart-launcher" },
    { step: 1, text: `Check ${STATUS_PAGE}: part of BSG's service may be down.` },
    { step: 8, text: "If only your ISP has this problem for long, a VPN or another region can route around it." },
  ],
  "bsg-unreachable": [
    { step: 3, text: "Restart your router/modem, then run the check again." },
    { step: 4, text: "Flush DNS and renew your IP address.", fixId: "flush-dns" },
    { step: 2, text: "Restart the game and the launcher.", fixId: "restart-launcher" },
    { step: 6, text: "Make sure Windows Firewall lets the game and the launcher through.", fixId: "firewall-allow-eft" },
    { step: 6, text: "If Microsoft Defender blocks the game, exclude it from scanning (the agent asks first).", fixId: "defender-exclusion-eft" },
    { step: 8, text: "Still blocked? Your ISP's route to BSG is broken: try a VPN or another region, and send your ISP the support bundle (it lists which addresses and ports fail, and when)." },
  ],
  "resolver-fails": [
    { step: 5, text: "Switch your DNS to Cloudflare or Google (the agent can do it and put it back later).", fixId: "switch-dns" },
    { step: 4, text: "Flush the DNS cache.", fixId: "flush-dns" },
    { step: 3, text: "Restart your router/modem: its DNS forwarder may be stuck." },
  ],
  "dns-hijack": [
    { step: 5, text: "Your DNS sends Tarkov to the wrong place: switch your DNS to Cloudflare or Google (the agent can do it and put it back later).", fixId: "switch-dns" },
    { step: 4, text: "Flush the DNS cache so the wrong address is forgotten.", fixId: "flush-dns" },
    { step: null, text: "If it comes back after switching, your router or ISP redirects DNS: check the router's parental-control or DNS-filtering settings." },
  ],
  // Public resolvers do not answer either, so switching DNS cannot help: no fix applies here.
  "dns-blocked": [
    { step: null, text: "Open a browser: if a Wi-Fi sign-in page appears, sign in, then check again." },
    { step: 6, text: "Check your security suite's firewall, \"DNS protection\" or parental controls: something on this PC or network blocks name lookups." },
    { step: 3, text: "Restart your router/modem." },
  ],
  intercepted: [STOP_SCANNING, PORTAL, PROXY],
  "intercepted-everywhere": [STOP_SCANNING, PROXY, PORTAL],
  "captive-portal": [
    { step: null, text: "Open a browser and sign in to the network's sign-in page (hotel, airport or café Wi-Fi), then check again." },
    STOP_SCANNING,
    PROXY,
  ],
  "wrong-clock": [CLOCK_ADVICE, STOP_SCANNING, PORTAL],
  "no-internet": [
    { step: 3, text: "Restart your router/modem: it answers, but nothing on the internet does. This is not BSG." },
    { step: 4, text: "Get a fresh IP address from the router.", fixId: "renew-ip" },
    { step: null, text: "Still down after the restart? Call your ISP: your line has no internet." },
    { step: 4, text: "Only if the ISP says your line is fine: reset Windows networking (needs a restart; the agent asks first).", fixId: "reset-network-stack" },
  ],
  "local-network": [
    { step: 7, text: "Check the network cable or Wi-Fi connection (a cable is more reliable than Wi-Fi)." },
    { step: 3, text: "Restart your router/modem." },
    { step: 4, text: "Renew your IP address.", fixId: "renew-ip" },
    { step: 4, text: "Still nothing? Reset Windows networking (needs a restart; the agent asks first).", fixId: "reset-network-stack" },
    { step: 10, text: "Still no network? Update your network adapter's driver." },
  ],
  inconclusive: [
    { step: null, text: "Run the check again in a minute: the results contradicted each other or were incomplete." },
    { step: null, text: "If it keeps happening, collect a support bundle from the tray menu so support can see what the agent saw." },
  ],
  "unknown-names": [
    { step: null, text: "Update the agent: BSG may have moved its servers to names the agent does not know yet." },
    { step: null, text: "If it keeps happening, collect a support bundle from the tray menu so support can see what the agent saw." },
  ],
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
}

const INTERCEPTION_VARIANTS: ReadonlySet<VariantId> = new Set(["intercepted", "intercepted-everywhere", "ok-inspected", "wrong-clock"]);

/** The advice for one variant: the product's own setting first when the interceptor is known. */
export function adviceFor(variant: VariantId, ctx: AdviceContext = {}): Advice[] {
  const base = [...VARIANT_ADVICE[variant]];
  const product = ctx.interceptor ?? null;
  if (product === null || !INTERCEPTION_VARIANTS.has(variant)) return base;
  const setting: Advice = { step: 6, text: `It is ${product.name}. ${product.setting} Then check again.` };
  if (variant === "wrong-clock") return [base[0]!, setting, ...base.slice(2)];
  if (variant === "ok-inspected") return [base[0]!, { step: 6, text: `Still failing? It may be ${product.name}'s HTTPS scanning. ${product.setting}` }, ...base.slice(2)];
  // The product line replaces the generic "turn off scanning" line.
  return [setting, ...base.filter((a) => a !== STOP_SCANNING)];
}

const fixIdsOf = (advice: readonly Advice[]): string[] => [...new Set(advice.flatMap((a) => (a.fixId === undefined ? [] : [a.fixId])))];

/**
 * The automatic fixes that apply to a diagnosis: exactly the ones its advice offers. A diagnosis without a variant
 * (made elsewhere, or by an older version) counts as its verdict's default variant.
 */
export function applicableFixIds(d: Pick<Diagnosis, "verdict" | "variant">): string[] {
  return fixIdsOf(VARIANT_ADVICE[d.variant ?? DEFAULT_VARIANT[d.verdict]]);
}

/** The verdicts in which some variant offers this fix: a catalogue entry's `appliesTo`. */
export function verdictsAdvising(fixId: string): VerdictId[] {
  const verdicts = VARIANT_IDS.filter((v) => fixIdsOf(VARIANT_ADVICE[v]).includes(fixId)).map((v) => VARIANTS[v]);
  return [...new Set(verdicts)];
}
