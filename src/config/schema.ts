/**
 * The config file's schema (public contract, README "Config"). Every object is strict: an unknown key is a
 * typo the player should hear about, not something to ignore silently. Every value is bounded: lists have a
 * sane maximum, texts a maximum length and no control characters, ports are 1–65535, and a host name can never
 * start with "-" (it would reach `ping` as an option).
 */
import { isIP } from "node:net";
import { z } from "zod";
import { FIXES } from "../fixes/catalog/index.js";
import { LANGUAGE_SETTINGS } from "../core/i18n/locale.js";

/** Fix ids `fixes.policy` accepts: the catalogue's. */
export const KNOWN_FIX_IDS: readonly string[] = FIXES.map((f) => f.id);
/** More targets than this is a mistake (the agent is measured up to 70; each costs a TLS handshake per round). */
export const MAX_TARGETS = 100;
/** A router answers on a few ports; each one is probed every round. */
export const MAX_GATEWAY_PORTS = 8;
const MAX_RESOLVERS = 8;
const MAX_URL = 2048;
const MAX_PATH = 1024;

// eslint-disable-next-line no-control-regex -- the point is to find control characters
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
/** A single-line text without control characters (a NUL in a path makes Node's fs throw a TypeError). */
const plainText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => !CONTROL_CHARS.test(s), { message: "text without control characters (no line breaks, tabs or NUL)" });

/** An RFC 1123 host name: letters, digits and "-" in dot-separated labels, never starting or ending with "-". */
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;
export const isHostNameOrIp = (s: string): boolean => isIP(s) !== 0 || HOST_NAME.test(s);

/** Splits `ip`, `ip:port` or `[ipv6]:port`; null when it is not an IP address. */
export function parseResolverAddress(s: string): { host: string; port: number } | null {
  const m = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(s) ?? /^([^:]+)(?::(\d{1,5}))?$/.exec(s);
  const host = m ? m[1]! : s;
  const port = m?.[2] === undefined ? 53 : Number(m[2]);
  if (isIP(host) === 0 || port < 1 || port > 65535) return null;
  return { host, port };
}

const resolverAddress = z.string().refine((s) => parseResolverAddress(s) !== null, {
  message: 'an IP address, optionally with ":port" (e.g. "1.1.1.1" or "127.0.0.1:5353")',
});

/** No `user:password@` in a URL: it would end up in logs and probe targets (issue 8). */
const withoutUserinfo = (u: URL): boolean => u.username === "" && u.password === "";

const targetUrl = z
  .string()
  .max(MAX_URL)
  .refine(
    (s) => {
      try {
        const u = new URL(s);
        if (!withoutUserinfo(u) || u.port === "0") return false;
        if (u.protocol === "https:") return u.hostname !== "";
        if (u.protocol === "tcp:") return u.hostname !== "" && u.port !== "";
        return false;
      } catch {
        return false;
      }
    },
    { message: '"https://host[:port]/path" or "tcp://host:port" (port 1–65535, no user:password@)' },
  );

export const targetSchema = z.strictObject({
  id: z.string().max(64).regex(/^[a-z0-9][a-z0-9._-]*$/, { message: "lower-case letters, digits, '.', '_' or '-'" }),
  group: z.enum(["bsg", "control"]),
  url: targetUrl,
});
export type TargetConfig = z.infer<typeof targetSchema>;

const fixPolicy = z.enum(["auto", "ask", "never"]);

/** The `ui.language` values (the catalogue's locales and "auto"): one list, in src/core/i18n/locale.ts. */
export const UI_LANGUAGES = LANGUAGE_SETTINGS;
export type UiLanguage = (typeof UI_LANGUAGES)[number];

/** Issue params that let the loader suggest the nearest known key ("did you mean"). */
export interface UnknownKeyParams {
  unknownKey: string;
  known: readonly string[];
}

export const configSchema = z.strictObject({
  /** Replaces the built-in catalogue (catalog/hosts.json) when given. */
  targets: z
    .array(targetSchema)
    .min(1)
    .max(MAX_TARGETS)
    .refine((ts) => new Set(ts.map((t) => t.id)).size === ts.length, { message: "unique target ids" })
    .optional(),
  statusApi: z
    .url({ protocol: /^https?$/ })
    .max(MAX_URL)
    .refine((s) => withoutUserinfo(new URL(s)), { message: "an http(s) URL without user:password@" })
    .nullable()
    .default("https://status.escapefromtarkov.com/api"),
  dns: z
    .strictObject({
      system: z
        .union([z.literal("os"), z.array(resolverAddress).min(1).max(MAX_RESOLVERS)], { error: `"os" or a list of 1 to ${MAX_RESOLVERS} resolver addresses` })
        .default("os"),
      public: z.array(resolverAddress).max(MAX_RESOLVERS).default(["1.1.1.1", "8.8.8.8"]),
    })
    .prefault({}),
  /** `extraCaFile` must exist and hold PEM certificates: checked by the loader (it reads the file). */
  tls: z.strictObject({ extraCaFile: plainText(MAX_PATH).nullable().default(null) }).prefault({}),
  gateway: z
    .union([
      z.literal("auto"),
      z.strictObject({
        host: z.string().min(1).max(253).refine(isHostNameOrIp, { message: 'an IP address or a host name (letters, digits, "-" and ".", not starting with "-")' }),
        ports: z
          .array(z.int().min(1).max(65535))
          .min(1)
          .max(MAX_GATEWAY_PORTS)
          .refine((ps) => new Set(ps).size === ps.length, { message: "ports without repeats" })
          .default([53, 80, 443]),
      }),
    ], { error: '"auto" or { "host": "192.168.1.1", "ports": [53, 80, 443] }' })
    .default("auto"),
  probe: z
    .strictObject({
      /** Per phase (DNS, TCP, TLS, HTTP). */
      timeoutMs: z.int().min(100).max(60_000).default(4_000),
      concurrency: z.int().min(1).max(64).default(8),
      /** Whole round: a world where everything hangs costs this, not N timeouts. */
      deadlineMs: z.int().min(200).max(120_000).default(8_000),
    })
    .prefault({}),
  monitor: z
    .strictObject({
      intervalMs: z.int().min(1_000).max(3_600_000).default(15_000),
      failureThreshold: z.int().min(1).max(10).default(3),
      successThreshold: z.int().min(1).max(10).default(2),
      /** Gap between the quick re-probes that confirm a suspected change. */
      confirmIntervalMs: z.int().min(100).max(60_000).default(700),
      /** Cheap TCP liveness check of one BSG host between full rounds. */
      livenessIntervalMs: z.int().min(500).max(600_000).default(2_000),
      statusPollMs: z.int().min(10_000).max(3_600_000).default(60_000),
      /** Reminder for a still-open incident; 0 = off, never more often than every 30 min. */
      reminderMinutes: z
        .union([z.literal(0), z.int().min(30).max(24 * 60)], { error: "0 (off) or minutes from 30 to 1440" })
        .default(0),
    })
    .prefault({}),
  game: z
    .strictObject({
      /** "auto" finds the install from the registry / Steam; otherwise the game folder. */
      installDir: z.union([z.literal("auto"), plainText(MAX_PATH)], { error: '"auto" or the game folder' }).default("auto"),
      /** Override for the folder holding `log_*` session folders (tests, unusual installs). */
      logsDir: plainText(MAX_PATH).nullable().default(null),
    })
    .prefault({}),
  notifications: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
  /** What the player reads: "auto" follows the OS language (src/core/i18n/locale.ts); "en" or "ru" fixes it. */
  ui: z.strictObject({ language: z.enum(LANGUAGE_SETTINGS).default("auto") }).prefault({}),
  fixes: z
    .strictObject({
      policy: z
        .record(z.string(), fixPolicy)
        .superRefine((policy, ctx) => {
          for (const key of Object.keys(policy)) {
            if (KNOWN_FIX_IDS.includes(key)) continue;
            const params: UnknownKeyParams = { unknownKey: key, known: KNOWN_FIX_IDS };
            ctx.addIssue({ code: "custom", path: [key], message: `a fix id (${KNOWN_FIX_IDS.join(", ")})`, params });
          }
        })
        .default({}),
      dailyCap: z.int().min(0).max(100).default(3),
      /** How long a fix gets to improve the verdict before a reversible one is rolled back. */
      verifyWindowMs: z.int().min(1_000).max(600_000).default(30_000),
    })
    .prefault({}),
});

export type AgentConfig = z.infer<typeof configSchema>;
/** Config with the catalogue resolved: targets is always present. */
export type ResolvedConfig = Omit<AgentConfig, "targets"> & { targets: TargetConfig[] };
