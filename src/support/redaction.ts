/**
 * The bundle's view of the redaction engine (issue 8, `src/core/redact`): only what the bundle calls. The engine's
 * `Redactor` fits this interface as it is; `createBundleRedactor` is the one place that builds it.
 *
 * Until the engine is on main, the fallback below wraps the agent's current `redactText` (user names in paths,
 * tokens and session ids, 24-hex ids, websocket channel ids, MACs) and counts each changed line under one rule id.
 * It does NOT know e-mail addresses, SSIDs or public IPs: the bundle says so in its manifest (`redaction.engine`).
 */
import { redactText } from "../redact.js";

export interface BundleRedactionDetail {
  ruleId: string;
  /** The secret with all but its first character hidden. */
  secretHint: string;
  replacement: string;
}

export interface BundleRedactResult {
  text: string;
  hits: { ruleId: string; count: number }[];
  details?: BundleRedactionDetail[];
}

/** What the bundle needs from a redactor (a subset of the engine's `Redactor`). */
export interface BundleRedactor {
  readonly enabled: boolean;
  redact(input: string, opts?: { details?: boolean }): BundleRedactResult;
  counts(): Partial<Record<string, number>>;
  /** Public addresses to keep as they are from now on (the game's raid servers found in its logs). */
  keepAddresses(ips: Iterable<string>): void;
}

export interface BundleRedactorOptions {
  enabled: boolean;
  userNames: readonly string[];
  ssids: readonly string[];
  keepAddresses: readonly string[];
}

export type BundleRedactorFactory = (opts: BundleRedactorOptions) => BundleRedactor & { engine: string };

/** The interim redactor over `redactText` (see the file comment). */
export const interimRedactorFactory: BundleRedactorFactory = (opts) => {
  const counts: Record<string, number> = {};
  return {
    engine: "interim (src/redact.ts: paths, tokens, ids, MACs; no e-mail/SSID/public-IP rules yet)",
    enabled: opts.enabled,
    redact(input, o) {
      if (!opts.enabled) return { text: input, hits: [] };
      const text = redactText(input);
      if (text === input) return { text, hits: [], ...(o?.details ? { details: [] } : {}) };
      counts.legacy = (counts.legacy ?? 0) + 1;
      return { text, hits: [{ ruleId: "legacy", count: 1 }], ...(o?.details ? { details: [{ ruleId: "legacy", secretHint: "(line changed)", replacement: text.slice(0, 80) }] } : {}) };
    },
    counts: () => ({ ...counts }),
    keepAddresses() {
      // the interim rules do not touch addresses
    },
  };
};

/** The redactor bundles use. */
export const createBundleRedactor: BundleRedactorFactory = interimRedactorFactory;
