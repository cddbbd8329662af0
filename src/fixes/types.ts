/** Shapes of the fix catalogue: metadata + one script per fix (issue #4 "Catalogue"). */
import type { z } from "zod";
import type { Diagnosis, VerdictId } from "../core/types.js";
import type { FixRisk } from "../core/fix-policy.js";
import type { NetworkSnapshot } from "./snapshot.js";

/** Public resolvers the agent may switch to. */
export const DNS_PROVIDERS = {
  cloudflare: { label: "Cloudflare", ipv4: ["1.1.1.1", "1.0.0.1"], ipv6: ["2606:4700:4700::1111", "2606:4700:4700::1001"] },
  google: { label: "Google", ipv4: ["8.8.8.8", "8.8.4.4"], ipv6: ["2001:4860:4860::8888", "2001:4860:4860::8844"] },
  quad9: { label: "Quad9", ipv4: ["9.9.9.9", "149.112.112.112"], ipv6: ["2620:fe::fe", "2620:fe::9"] },
} as const;
export type DnsProvider = keyof typeof DNS_PROVIDERS;
export const DNS_PROVIDER_IDS = Object.keys(DNS_PROVIDERS) as DnsProvider[];

/** One resolver's timing from the agent's own DNS probe. `resolver` is "system" or an IP. */
export interface DnsBenchmarkEntry {
  resolver: string;
  /** Median lookup time over the BSG hosts; null when it answered none. */
  medianMs: number | null;
  /** True when it resolved every BSG host asked. */
  resolvesBsg: boolean;
}

/** What a fix may ask of the world while preparing its params. Injected by the engine. */
export interface PrepareContext {
  /** Times each resolver ("system" = the current one) against the BSG hosts. */
  benchmarkDns(resolvers: readonly string[]): Promise<DnsBenchmarkEntry[]>;
  /** Game folder from config, or null for "let the script find it". */
  eftInstallDir: string | null;
}

export interface PrepareOptions {
  provider?: DnsProvider;
}

/** Prepared params, or a refusal with a code and a plain-words reason. */
export type Prepared<P> = { ok: true; params: P; note?: string; detail?: unknown } | { ok: false; code: string; message: string };

/** A journalled apply, as an undo sees it. */
export interface AppliedChange {
  fixId: string;
  params: unknown;
  before: unknown;
  after: unknown;
}

/** Catalogue entry for an automatable fix. Adding a fix = one file in catalog/ + one line in catalog/index.ts. */
export interface FixSpec<P = unknown> {
  id: string;
  /** Plain words, shown in the tray and the CLI. */
  title: string;
  /** The manual checklist step this automates (1–10). */
  guideStep: number;
  risk: FixRisk;
  needsAdmin: boolean;
  reversible: boolean;
  rebootNeeded: boolean;
  /** Verdicts this fix can help with; empty = manual only. */
  appliesTo: readonly VerdictId[];
  /** `Verb-Noun.ps1` in the install's scripts folder. */
  script: string;
  /** Script that reverts an apply; gets `{ fixId, snapshot: before, applied: after, params }`. */
  undoScript?: string;
  /** Refuse the apply when the dry run cannot read the prior state (exact undo would be impossible). */
  requiresSnapshot?: boolean;
  paramsSchema: z.ZodType<P>;
  /** Builds this run's params. */
  prepare(ctx: PrepareContext, opts: PrepareOptions): Promise<Prepared<P>>;
  /** Applying this fix = undoing that fix's journalled changes (restore-dns → switch-dns). */
  restores?: string;
  /** A reason to refuse right now (e.g. a raid in progress), checked before anything runs. */
  precondition?: "no-raid";
}

/** What a guidance entry can look at to decide whether it applies now. */
export interface GuidanceContext {
  diagnosis: Diagnosis | null;
  /** Gateway state from the last probe round, when known. */
  gateway: "alive" | "dead" | "no-route" | "unknown" | null;
  /** Parsed network snapshot (Get-AgentNetworkSnapshot), when one was taken. */
  snapshot: NetworkSnapshot | null;
  now: Date;
}

/** Something the agent cannot do for the player, with the detection that makes it worth saying. */
export interface GuidanceSpec {
  id: string;
  title: string;
  guideStep: number | null;
  /** What to do, in plain words. */
  text: string;
  /** Why it is shown now (null: not relevant now). */
  detect(ctx: GuidanceContext): string | null;
}
