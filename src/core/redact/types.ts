/**
 * The redaction engine's public types. Writers (logger, incidents, journal) and the support bundle code against
 * these; see ./index.ts for how to use them.
 */

/** Stable rule ids: they appear in bundle manifests ("rule → count") and previews. Add new ones, never rename. */
export const RULE_IDS = [
  "url-userinfo",
  "auth-header",
  "cookie",
  "jwt",
  "bearer-token",
  "session-token",
  "websocket-channel",
  "email",
  "windows-user-path",
  "unix-home",
  "os-user-name",
  "eft-profile-id",
  "eft-account-id",
  "eft-nickname",
  "windows-sid",
  "mac-address",
  "wifi-ssid",
  "public-ip",
] as const;
export type RuleId = (typeof RULE_IDS)[number];

/** What one rule sees besides the match: the redactor's options and learned state. */
export interface RuleContext {
  /** True when the address must be written as it is (BSG, a public resolver, an allow-listed or learned address). */
  keepAddress(ip: string): boolean;
  /** Set while redacting values that describe a named server (an object with a `host`): its addresses are kept. */
  readonly serverContext: boolean;
}

/** The replacement for one match: the whole text that takes the match's place, or null to leave the match as it is. */
export type Replacer = (groups: Record<string, string | undefined>, ctx: RuleContext) => string | null;

/**
 * One rule, as data. `pattern` is global and has a named group `secret` (the part that is personal); the
 * replacement gets all named groups and returns the text that replaces the whole match (usually `pre` +
 * placeholder + `post`). `needs`, `shape` and `quick`, when given, are cheap necessary conditions: text that fails them
 * cannot match, so the pattern is not run at all (the bundle pushes hundreds of MB through here).
 */
export interface RedactionRule {
  id: RuleId;
  description: string;
  pattern: RegExp;
  replace: Replacer;
  /** Lower-case substrings; the rule runs only on text containing at least one of them. */
  needs?: readonly string[];
  /** Shapes (./shapes.ts `SHAPE` bits) of which the text must have at least one; found for all rules in one pass. */
  shape?: number;
  /** A structural pre-check (non-global RegExp or function) the text must pass. */
  quick?: RegExp | ((text: string) => boolean);
}

/** How many replacements one rule made. */
export interface RuleHit {
  ruleId: RuleId;
  count: number;
}

/** One replacement, for `bundle --preview`: the secret itself is never included, only a masked hint. */
export interface RedactionDetail {
  ruleId: RuleId;
  /** The secret with all but its first character hidden, e.g. `K••••` for `Kappa`. */
  secretHint: string;
  /** What was written instead, e.g. `%USER%` or `203.0.x.x`. */
  replacement: string;
}

export interface RedactResult {
  /** The redacted text. */
  text: string;
  /** Per-rule counts for this text, in rule order; empty when nothing was replaced. */
  hits: RuleHit[];
  /** Each replacement in the order made; only when asked for with `{ details: true }`. */
  details?: RedactionDetail[];
  /** With `details`: the input with each secret shown as its hint (`C:\Users\K••••\x`), for "before → after". */
  before?: string;
}

export interface RedactorOptions {
  /** False turns the redactor into the identity (for `bundle --no-redact`): nothing replaced, nothing counted. */
  enabled?: boolean;
  /** User names to remove anywhere in the text (the current OS user's, plus extra ones). Short or generic names
   *  (`admin`, `user`, fewer than 3 characters) are only removed where a path shows them to be a user name. */
  userNames?: readonly string[];
  /** Wi-Fi network names to remove anywhere (e.g. the ones the network snapshot found), besides the contexts
   *  that name an SSID by themselves (`SSID : …`, `"ssid": "…"`). */
  ssids?: readonly string[];
  /** Public addresses to keep as they are (BSG's servers resolved from the configured hosts, configured resolvers). */
  keepAddresses?: Iterable<string>;
  /** Allow-list provider, asked for each public address not kept otherwise; true keeps it. */
  keepAddress?: (ip: string) => boolean;
  /** Keep the addresses the game's own connection lines name as its servers (`Ip: …, Port:`, `(address: …)`) and
   *  remember them for later text. Default true. */
  learnGameAddresses?: boolean;
  /** Rules to switch off, by id. */
  disable?: readonly RuleId[];
}

/** A configured redactor. Cheap to call per line; keeps running totals for a manifest. */
export interface Redactor {
  readonly enabled: boolean;
  /** The redacted text (fast path for writers). */
  text(input: string): string;
  /** The redacted text and what was replaced; `details` adds one entry per replacement and a masked `before`
   *  line (for `bundle --preview`). */
  redact(input: string, opts?: { details?: boolean }): RedactResult;
  /**
   * A redacted deep copy of a value: every string, object key, Error message and stack, Map and Set entry.
   * Values JSON cannot show become plain data (Error → {name, message, stack, …}, Map → object or entry list,
   * Set → array, binary → "[binary N bytes]"); cycles become "[Circular]". JSON-shaped input keeps its shape.
   */
  value<T>(input: T): T;
  /** Replacements per rule since creation or the last `resetCounts()`. */
  counts(): Partial<Record<RuleId, number>>;
  resetCounts(): void;
  /** Adds addresses to keep from now on (e.g. raid servers a bundle found in the game's logs first). */
  keepAddresses(ips: Iterable<string>): void;
  /** Addresses kept because the game's connection lines or a server object named them, in first-seen order. */
  learnedAddresses(): string[];
}
