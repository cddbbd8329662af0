/**
 * `tarkov-agent diagnose --json`: the public, stable JSON contract for scripts (documented in the README).
 * The zod schema below is the single definition; the tests validate real CLI output against it.
 */
import { z } from "zod";
import { FAILURE_CODES, PHASES, VERDICT_IDS, type Diagnosis, type PhaseResult, type RoundResult } from "../core/types.js";

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

export const diagnoseJsonSchema = z.object({
  schema: z.literal(1),
  tool: z.literal("tarkov-connection-agent"),
  version: z.string(),
  at: z.iso.datetime(),
  durationMs: z.number().nonnegative(),
  deadlineHit: z.boolean(),
  verdict: z.enum(VERDICT_IDS),
  confidence: z.enum(["high", "medium", "low"]),
  headline: z.string(),
  meaning: z.string(),
  evidence: z.array(
    z.object({
      kind: z.enum(["target", "dns", "gateway", "status-api", "controls", "game-log", "broken-probe", "missing"]),
      text: z.string(),
      targetId: z.string().optional(),
      code: code.optional(),
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
      phases: z.object(Object.fromEntries(PHASES.map((p) => [p, phaseJsonSchema])) as Record<(typeof PHASES)[number], typeof phaseJsonSchema>),
      dns: z.array(resolverJsonSchema),
      tls: z
        .object({ issuer: z.string().nullable(), subject: z.string().nullable(), verifyError: z.string().nullable(), protocol: z.string().nullable(), validTo: z.string().nullable() })
        .nullable(),
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

export function toDiagnoseJson(round: RoundResult, d: Diagnosis, version: string): DiagnoseJson {
  return {
    schema: 1,
    tool: "tarkov-connection-agent",
    version,
    at: round.at,
    durationMs: round1(round.durationMs),
    deadlineHit: round.deadlineHit,
    verdict: d.verdict,
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
      phases: { dns: phaseJson(t.phases.dns), tcp: phaseJson(t.phases.tcp), tls: phaseJson(t.phases.tls), http: phaseJson(t.phases.http) },
      dns: t.dns.map((a) => {
        const p = phaseJson(a.result);
        return { resolver: a.resolver, role: a.role, ok: p.ok, code: p.code, ms: p.ms, addresses: a.addresses };
      }),
      tls: t.tls,
      httpStatus: t.httpStatus,
      ttfbMs: t.ttfbMs === null ? null : round1(t.ttfbMs),
      durationMs: round1(t.durationMs),
    })),
    statusApi: round.statusApi,
    gateway: round.gateway,
  };
}
