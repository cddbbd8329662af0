/**
 * The TS half of the TS ↔ PowerShell result contract (house-style Part 2): every agent script writes exactly one
 * UTF-8 JSON file of this shape to `-ResultPath`. stdout is host noise; this file is the only thing we trust.
 */
import { z } from "zod";

/** What a script says happened. `WouldChange` only ever comes from a `-WhatIf` run. */
export const RESULT_STATUSES = ["Changed", "NoChange", "WouldChange", "Failed", "Skipped"] as const;
export type ResultStatus = (typeof RESULT_STATUSES)[number];

/** Apply = the fix itself, Undo = its reverse, Read = read-only scripts (snapshot, install lookup, firewall state). */
export const RESULT_MODES = ["Apply", "Undo", "Read"] as const;
export type ResultMode = (typeof RESULT_MODES)[number];

/** A PowerShell ErrorRecord boiled down to what the log and the player need. */
export const scriptErrorSchema = z.object({
  message: z.string(),
  category: z.string(),
  fullyQualifiedErrorId: z.string(),
});

/** Schema of the result file. Objects are not strict: a script may add fields; we never rely on unknown ones. */
export const fixResultSchema = z
  .object({
    schema: z.literal(1),
    script: z.string().regex(/^[A-Z][A-Za-z]*-[A-Z][A-Za-z]*$/, { message: "a Verb-Noun script name without .ps1" }),
    mode: z.enum(RESULT_MODES),
    whatIf: z.boolean(),
    status: z.enum(RESULT_STATUSES),
    changes: z.array(z.string()),
    plan: z.array(z.string()),
    before: z.unknown().nullable(),
    after: z.unknown().nullable(),
    data: z.unknown().nullable(),
    rebootNeeded: z.boolean(),
    error: scriptErrorSchema.nullable(),
    startedAt: z.iso.datetime({ offset: true }),
    durationMs: z.number().nonnegative(),
  })
  .superRefine((r, ctx) => {
    // Keep the two ends honest: a dry run cannot change anything, and a failure must say why.
    if (r.whatIf && r.status === "Changed") ctx.addIssue({ code: "custom", path: ["status"], message: "a -WhatIf run cannot report Changed" });
    if (!r.whatIf && r.status === "WouldChange") ctx.addIssue({ code: "custom", path: ["status"], message: "WouldChange only comes from a -WhatIf run" });
    if (r.status === "Failed" && r.error === null) ctx.addIssue({ code: "custom", path: ["error"], message: "a Failed result carries an error" });
  });
export type FixResult = z.infer<typeof fixResultSchema>;

/** One line per problem, for PS_CONTRACT messages: `status: expected one of …`. */
export function describeResultIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length === 0 ? "(top level)" : i.path.join(".")}: ${i.message}`)
    .join("; ");
}

/** Parses the raw bytes of a result file (UTF-8, a BOM tolerated) into a validated result. */
export function parseFixResult(text: string): { ok: true; value: FixResult } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    return { ok: false, message: `not JSON (${(e as Error).message})` };
  }
  const parsed = fixResultSchema.safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, message: describeResultIssues(parsed.error) };
}

/**
 * Params schema helper: every params file is a strict JSON object, so a typo in the TS catalogue fails here and not
 * as a silently ignored property inside a script.
 */
export const paramsObject = <S extends z.core.$ZodLooseShape>(shape: S) => z.strictObject(shape);

/** Undo scripts all receive the same envelope: what the apply saw before, what it left, and what it was asked. */
export const undoParamsSchema = z.strictObject({
  fixId: z.string(),
  snapshot: z.unknown(),
  applied: z.unknown(),
  params: z.unknown(),
});
export type UndoParams = z.infer<typeof undoParamsSchema>;
