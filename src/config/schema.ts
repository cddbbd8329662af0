/**
 * The config file's schema (public contract, README "Config"). Every object is strict: an unknown key is a
 * typo the player should hear about, not something to ignore silently.
 */
import { isIP } from "node:net";
import { z } from "zod";

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

const targetUrl = z.string().refine(
  (s) => {
    try {
      const u = new URL(s);
      if (u.protocol === "https:") return u.hostname !== "";
      if (u.protocol === "tcp:") return u.hostname !== "" && u.port !== "";
      return false;
    } catch {
      return false;
    }
  },
  { message: '"https://host[:port]/path" or "tcp://host:port"' },
);

export const targetSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, { message: "lower-case letters, digits, '.', '_' or '-'" }),
  group: z.enum(["bsg", "control"]),
  url: targetUrl,
});
export type TargetConfig = z.infer<typeof targetSchema>;

const fixPolicy = z.enum(["auto", "ask", "never"]);

export const configSchema = z.strictObject({
  /** Replaces the built-in catalogue (catalog/hosts.json) when given. */
  targets: z
    .array(targetSchema)
    .min(1)
    .refine((ts) => new Set(ts.map((t) => t.id)).size === ts.length, { message: "unique target ids" })
    .optional(),
  statusApi: z.url({ protocol: /^https?$/ }).nullable().default("https://status.escapefromtarkov.com/api"),
  dns: z
    .strictObject({
      system: z
        .union([z.literal("os"), z.array(resolverAddress).min(1)], { error: '"os" or a list of resolver addresses' })
        .default("os"),
      public: z.array(resolverAddress).default(["1.1.1.1", "8.8.8.8"]),
    })
    .prefault({}),
  tls: z.strictObject({ extraCaFile: z.string().min(1).nullable().default(null) }).prefault({}),
  gateway: z
    .union([
      z.literal("auto"),
      z.strictObject({ host: z.string().min(1), ports: z.array(z.int().min(1).max(65535)).min(1).default([53, 80, 443]) }),
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
      installDir: z.union([z.literal("auto"), z.string().min(1)], { error: '"auto" or the game folder' }).default("auto"),
      /** Override for the folder holding `log_*` session folders (tests, unusual installs). */
      logsDir: z.string().min(1).nullable().default(null),
    })
    .prefault({}),
  notifications: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
  fixes: z
    .strictObject({
      policy: z.record(z.string(), fixPolicy).default({}),
      dailyCap: z.int().min(0).max(100).default(3),
      /** How long a fix gets to improve the verdict before a reversible one is rolled back. */
      verifyWindowMs: z.int().min(1_000).max(600_000).default(30_000),
    })
    .prefault({}),
});

export type AgentConfig = z.infer<typeof configSchema>;
/** Config with the catalogue resolved: targets is always present. */
export type ResolvedConfig = Omit<AgentConfig, "targets"> & { targets: TargetConfig[] };
