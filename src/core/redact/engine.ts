/**
 * The redactor: runs the rules (./rules.ts) over text, one pass per rule, and walks values deeply. Pure: the
 * caller passes in user names, SSIDs and addresses to keep (src/redact.ts builds the agent's default one).
 */
import { WELL_KNOWN_PUBLIC_RESOLVERS, canonicalAddress } from "./addresses.js";
import { keywordFinder } from "./keywords.js";
import { GAME_SERVER_CONTEXT, RULES } from "./rules.js";
import { scanShapes } from "./shapes.js";
import {
  RULE_IDS,
  type RedactResult,
  type RedactionDetail,
  type RedactionRule,
  type Redactor,
  type RedactorOptions,
  type RuleContext,
  type RuleHit,
  type RuleId,
} from "./types.js";
import { walkValue } from "./value.js";

/**
 * Names too short or too common to remove wherever they appear ("admin" would blank out "administrator" talk,
 * "user" half the messages). They are still removed where a path shows them to be the user's (C:\Users\admin).
 * The placeholders' own words are here too, so a user called "mac" cannot eat "[mac]".
 */
const GENERIC_NAMES = new Set([
  "admin", "administrator", "user", "users", "root", "guest", "owner", "default", "public", "test", "home", "player",
  "system", "local", "desktop", "windows", "runner", "redacted", "email", "jwt", "mac", "ssid", "sid", "profile",
  "account", "nickname", "userprofile", "shared", "all users", "default user", "wi-fi", "wifi", "ethernet",
]);

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A rule that removes given words wherever they stand alone (not inside a longer word). */
function literalRule(id: RuleId, description: string, words: readonly string[] | undefined, minLength: number, placeholder: string): RedactionRule | null {
  const usable = [...new Set((words ?? []).map((w) => w.trim()).filter((w) => [...w].length >= minLength && !GENERIC_NAMES.has(w.toLowerCase())))];
  if (usable.length === 0) return null;
  // Longest first, so "Kappa Holder" wins over "Kappa".
  usable.sort((a, b) => b.length - a.length);
  return {
    id,
    description,
    needs: usable.map((w) => w.toLowerCase()),
    pattern: new RegExp(`(?<![\\p{L}\\p{N}_])(?<secret>${usable.map(escapeRegExp).join("|")})(?![\\p{L}\\p{N}_])`, "giu"),
    replace: () => placeholder,
  };
}

/** `Kappa` → `K••••`: enough to recognise in a preview, never the secret itself. */
export function maskSecret(secret: string): string {
  const chars = [...secret];
  if (chars.length <= 2) return "••";
  return `${chars[0]}${"•".repeat(Math.min(chars.length - 1, 8))}`;
}

const MAX_LEARNED = 4096;
const GAME_SERVER_QUICK = /Ip:|\(address:|raid (?:server|link|connection)/;

/** Every rule, in the order it runs: the static ones plus the ones built from the options. */
export function compileRules(opts: RedactorOptions = {}): RedactionRule[] {
  const dynamic = [
    literalRule("os-user-name", "The current OS user's name (and extra user names) anywhere in the text → %USER%", opts.userNames, 3, "%USER%"),
    literalRule("wifi-ssid", "Known Wi-Fi network names anywhere in the text", opts.ssids, 4, "[ssid]"),
  ].filter((r): r is RedactionRule => r !== null);
  const off = new Set(opts.disable ?? []);
  const order = (r: RedactionRule): number => RULE_IDS.indexOf(r.id);
  // Array.prototype.sort is stable: rules with the same id keep their written order.
  return [...RULES, ...dynamic].filter((r) => !off.has(r.id)).sort((a, b) => order(a) - order(b));
}

/** Id and description of every rule (for README tables, manifests and `--preview` legends). */
export function describeRules(opts: RedactorOptions = {}): Array<{ id: RuleId; description: string }> {
  return compileRules(opts).map((r) => ({ id: r.id, description: r.description }));
}

/** Creates a redactor. See ./index.ts for the contract. */
export function createRedactor(opts: RedactorOptions = {}): Redactor {
  const enabled = opts.enabled !== false;
  const rules = compileRules(opts);
  const kept = new Set<string>();
  for (const ip of [...WELL_KNOWN_PUBLIC_RESOLVERS, ...(opts.keepAddresses ?? [])]) {
    const c = canonicalAddress(ip);
    if (c !== null) kept.add(c);
  }
  const learned: string[] = [];
  const learn = (ip: string): void => {
    const c = canonicalAddress(ip);
    // Bounded: an evening has a few dozen raid servers; past the cap addresses are masked again (the safe side).
    if (c === null || kept.has(c) || learned.length >= MAX_LEARNED) return;
    kept.add(c);
    learned.push(ip);
  };
  const provider = opts.keepAddress;
  const keepAddress = (ip: string): boolean => {
    const c = canonicalAddress(ip);
    if (c !== null && kept.has(c)) return true;
    try {
      return provider?.(ip) === true;
    } catch {
      // A broken provider must not leak: treat the address as the player's.
      return false;
    }
  };
  const plainCtx: RuleContext = { keepAddress, serverContext: false };
  const serverCtx: RuleContext = {
    keepAddress: (ip) => {
      learn(ip);
      return true;
    },
    serverContext: true,
  };
  const keywords = keywordFinder(rules.flatMap((r) => r.needs ?? []));
  const needIds = rules.map((r) => (r.needs === undefined ? null : r.needs.map((k) => keywords.ids.get(k)!)));
  const totals = new Map<RuleId, number>();
  const learnGame = opts.learnGameAddresses !== false;

  /**
   * Runs every rule over `input`. `mode`: "redact" replaces and counts; "hint" writes each secret's masked hint in
   * place of the secret (for previews) and counts nothing; "quiet" replaces without counting.
   */
  function run(input: string, ctx: RuleContext, hits: Map<RuleId, number> | null, details: RedactionDetail[] | null, mode: "redact" | "hint" | "quiet" = "redact"): string {
    if (!enabled || input === "") return input;
    if (learnGame && GAME_SERVER_QUICK.test(input)) {
      for (const m of input.matchAll(GAME_SERVER_CONTEXT)) learn(m.groups!.ip!);
    }
    let text = input;
    // One scan finds every keyword any rule needs. It runs on the input: a placeholder never adds a keyword that
    // could complete a match (the fuzz in test/redact/engine.test.ts checks the per-rule pre-checks).
    const present = keywords.scan(input);
    // Shapes are found for all rules at once, again only when a replacement changed the text.
    let shapes = -1;
    for (let r = 0; r < rules.length; r++) {
      const rule = rules[r]!;
      const needs = needIds[r]!;
      if (needs !== null) {
        let any = false;
        for (const id of needs) if (present[id] === 1) any = true;
        if (!any) continue;
      }
      if (rule.shape !== undefined) {
        if (shapes === -1) shapes = scanShapes(text);
        if ((shapes & rule.shape) === 0) continue;
      }
      const quick = rule.quick;
      if (quick !== undefined && !(typeof quick === "function" ? quick(text) : quick.test(text))) continue;
      text = text.replace(rule.pattern, (...args: unknown[]) => {
        const match = args[0] as string;
        const groups = args[args.length - 1] as Record<string, string | undefined>;
        const out = rule.replace(groups, ctx);
        if (out === null || out === match) return match;
        shapes = -1;
        if (mode === "hint") {
          const secret = groups.secret ?? match;
          const at = match.indexOf(secret, (groups.pre ?? "").length);
          return at < 0 ? out : `${match.slice(0, at)}${maskSecret(secret)}${match.slice(at + secret.length)}`;
        }
        if (mode === "quiet") {
          // A hint standing where its secret was is not a secret: the safety pass over a preview leaves it.
          const end = (args[args.length - 3] as number) + match.length;
          return (groups.secret ?? "").includes("•") || (args[args.length - 2] as string).charAt(end) === "•" ? match : out;
        }
        totals.set(rule.id, (totals.get(rule.id) ?? 0) + 1);
        hits?.set(rule.id, (hits.get(rule.id) ?? 0) + 1);
        if (details !== null) {
          const pre = groups.pre ?? "";
          const post = groups.post ?? "";
          const replacement = out.startsWith(pre) && out.endsWith(post) ? out.slice(pre.length, out.length - post.length) : out;
          details.push({ ruleId: rule.id, secretHint: maskSecret(groups.secret ?? match), replacement });
        }
        return out;
      });
    }
    return text;
  }

  return {
    enabled,
    text: (input) => run(input, plainCtx, null, null),
    redact(input, o) {
      const hits = new Map<RuleId, number>();
      const details = o?.details === true ? [] : null;
      const text = run(input, plainCtx, hits, details);
      const list: RuleHit[] = [...hits].map(([ruleId, count]) => ({ ruleId, count }));
      const result: RedactResult = { text, hits: list };
      if (details !== null) {
        result.details = details;
        // The input with each secret shown as its hint; redacted once more, so that whatever the hint pass saw
        // differently can only come out as a placeholder, never as the secret.
        result.before = run(run(input, plainCtx, null, null, "hint"), plainCtx, null, null, "quiet");
      }
      return result;
    },
    value<T>(input: T): T {
      if (!enabled) return input;
      return walkValue(input, (s, server) => run(s, server ? serverCtx : plainCtx, null, null)) as T;
    },
    counts: () => Object.fromEntries(totals) as Partial<Record<RuleId, number>>,
    resetCounts: () => totals.clear(),
    keepAddresses(ips) {
      for (const ip of ips) {
        const c = canonicalAddress(ip);
        if (c !== null) kept.add(c);
      }
    },
    learnedAddresses: () => [...learned],
  };
}

/** The addresses the game's own connection lines name as its servers (for a bundle's first pass over the logs). */
export function gameServerAddresses(text: string): string[] {
  const out = new Set<string>();
  if (!GAME_SERVER_QUICK.test(text)) return [];
  for (const m of text.matchAll(GAME_SERVER_CONTEXT)) if (canonicalAddress(m.groups!.ip!) !== null) out.add(m.groups!.ip!);
  return [...out];
}
