/**
 * `tarkov-agent diagnose --json`: the public, stable JSON contract for scripts (documented in the README).
 * The zod schema below is the single definition; the tests validate real CLI output against it.
 */
import { z } from "zod";
import { DEFAULT_VARIANT } from "../core/advice.js";
import { FAILURE_CODES, PHASES, VARIANT_IDS, VERDICT_IDS, type Diagnosis, type PhaseResult, type RoundResult, type TlsDetail } from "../core/types.js";

const code = z.enum(FAILURE_CODES);

export const phaseJsonSchema = z.object({
  status: z.enum(["ok", "fail", "skipped"]),
  /** true = passed, false = failed, null = not run. */
  ok: z.boolean().nullable(),
  code: code.nullable(),
  ms: z.number().nonnegative().nullable(),
  message: z.string().nullable(),
});

const resolverJsonSchema = z.object({
  resolver: z.string(),
  role: z.enum(["system", "public"]),
  ok: z.boolean().nullable(),
  code: code.nullable(),
  ms: z.number().nullable(),
  addresses: z.array(z.string()),
});

const phasesJsonSchema = z.object(Object.fromEntries(PHASES.map((p) => [p, phaseJsonSchema])) as Record<(typeof PHASES)[number], typeof phaseJsonSchema>);

const tlsJsonSchema = z.object({
  issuer: z.string().nullable(),
  subject: z.string().nullable(),
  verifyError: z.string().nullable(),
  protocol: z.string().nullable(),
  validTo: z.string().nullable(),
  /** Which store accepted the chain (public = Node's bundled roots); null when not accepted or not known. */
  trustedBy: z.enum(["public", "config", "system"]).nullable(),
  /** The operating system's trust store as the check saw it; null when not known. */
  systemStore: z.object({ name: z.string(), read: z.boolean() }).nullable(),
});

export const diagnoseJsonSchema = z.object({
  schema: z.literal(1),
  tool: z.literal("tarkov-connection-agent"),
  version: z.string(),
  at: z.iso.datetime(),
  durationMs: z.number().nonnegative(),
  deadlineHit: z.boolean(),
  verdict: z.enum(VERDICT_IDS),
  /** Which rule decided the verdict (README "What it tells you: verdicts"); selects advice and applicable fixes. */
  variant: z.enum(VARIANT_IDS),
  confidence: z.enum(["high", "medium", "low"]),
  headline: z.string(),
  meaning: z.string(),
  evidence: z.array(
    z.object({
      kind: z.enum(["target", "dns", "gateway", "status-api", "controls", "game-log", "firewall", "broken-probe", "missing"]),
      text: z.string(),
      targetId: z.string().optional(),
      code: code.optional(),
      severity: z.enum(["problem", "info"]).optional(),
    }),
  ),
  advice: z.array(z.object({ step: z.int().min(1).max(10).nullable(), text: z.string(), fixId: z.string().optional() })),
  targets: z.array(
    z.object({
      id: z.string(),
      group: z.enum(["bsg", "control"]),
      url: z.string(),
      host: z.string(),
      port: z.int(),
      address: z.string().nullable(),
      broken: z.string().nullable(),
      phases: phasesJsonSchema,
      dns: z.array(resolverJsonSchema),
      tls: tlsJsonSchema.nullable(),
      /** The same connection to a public resolver's address, tried when your DNS's address failed; null when not needed. */
      publicAddress: z.object({ address: z.string(), resolver: z.string(), phases: phasesJsonSchema, tls: tlsJsonSchema.nullable(), httpStatus: z.int().nullable() }).nullable(),
      httpStatus: z.int().nullable(),
      ttfbMs: z.number().nullable(),
      durationMs: z.number(),
    }),
  ),
  statusApi: z.object({
    state: z.enum(["ok", "updating", "unstable", "down", "unknown", "disabled"]),
    globalStatus: z.int().nullable(),
    message: z.string().nullable(),
    services: z.array(z.object({ name: z.string(), status: z.int() })),
    messages: z.array(z.object({ time: z.string().nullable(), type: z.int().nullable(), content: z.string(), solveTime: z.string().nullable() })),
    error: z.string().nullable(),
    ms: z.number().nullable(),
  }),
  gateway: z.object({
    host: z.string().nullable(),
    source: z.enum(["auto", "config"]),
    state: z.enum(["alive", "dead", "no-route", "unknown"]),
    via: z.string().nullable(),
    ms: z.number().nullable(),
    message: z.string(),
    icmp: z.boolean().nullable(),
  }),
});
export type DiagnoseJson = z.infer<typeof diagnoseJsonSchema>;

const phaseJson = (r: PhaseResult): z.infer<typeof phaseJsonSchema> =>
  r.status === "ok"
    ? { status: "ok", ok: true, code: null, ms: round1(r.ms), message: null }
    : r.status === "fail"
      ? { status: "fail", ok: false, code: r.code, ms: round1(r.ms), message: r.message }
      : { status: "skipped", ok: null, code: null, ms: null, message: r.reason };

const round1 = (ms: number): number => Math.round(ms * 10) / 10;

const phasesJson = (p: RoundResult["targets"][number]["phases"]) => ({ dns: phaseJson(p.dns), tcp: phaseJson(p.tcp), tls: phaseJson(p.tls), http: phaseJson(p.http) });

const tlsJson = (t: TlsDetail | null): z.infer<typeof tlsJsonSchema> | null =>
  t === null ? null : { issuer: t.issuer, subject: t.subject, verifyError: t.verifyError, protocol: t.protocol, validTo: t.validTo, trustedBy: t.trustedBy ?? null, systemStore: t.systemStore ?? null };

export function toDiagnoseJson(round: RoundResult, d: Diagnosis, version: string): DiagnoseJson {
  return {
    schema: 1,
    tool: "tarkov-connection-agent",
    version,
    at: round.at,
    durationMs: round1(round.durationMs),
    deadlineHit: round.deadlineHit,
    verdict: d.verdict,
    variant: d.variant ?? DEFAULT_VARIANT[d.verdict],
    confidence: d.confidence,
    headline: d.headline,
    meaning: d.meaning,
    evidence: d.evidence,
    advice: d.advice,
    targets: round.targets.map((t) => ({
      id: t.id,
      group: t.group,
      url: t.url,
      host: t.host,
      port: t.port,
      address: t.address,
      broken: t.broken,
      phases: phasesJson(t.phases),
      dns: t.dns.map((a) => {
        const p = phaseJson(a.result);
        return { resolver: a.resolver, role: a.role, ok: p.ok, code: p.code, ms: p.ms, addresses: a.addresses };
      }),
      tls: tlsJson(t.tls),
      publicAddress:
        t.publicAddress === null || t.publicAddress === undefined
          ? null
          : { address: t.publicAddress.address, resolver: t.publicAddress.resolver, phases: phasesJson(t.publicAddress.phases), tls: tlsJson(t.publicAddress.tls), httpStatus: t.publicAddress.httpStatus },
      httpStatus: t.httpStatus,
      ttfbMs: t.ttfbMs === null ? null : round1(t.ttfbMs),
      durationMs: round1(t.durationMs),
    })),
    statusApi: round.statusApi,
    gateway: round.gateway,
  };
}
