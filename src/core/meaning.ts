/**
 * What a diagnosis means, in the reader's language: the variant's text, and where the variant's text would claim more
 * than was seen, the text of what was seen (`bsg-unreachable`: refused is not "timed out"; `no-internet`: the router
 * is not said to answer when it could not be checked). Every surface that shows the meaning (classify's English field, `diagnose`,
 * the dashboard) picks it here, so they say the same thing. Pure.
 */
import { DEFAULT_VARIANT } from "./advice.js";
import type { Messages } from "./i18n/index.js";
import type { UnreachableHow } from "./i18n/verdicts.js";
import type { Diagnosis, FailureCode } from "./types.js";

/** The transport failures behind `bsg-unreachable`, by how they read to a player. */
const HOW: Partial<Record<FailureCode, UnreachableHow>> = {
  TCP_REFUSED: "refused",
  TCP_TIMEOUT: "timeout",
  TLS_TIMEOUT: "timeout",
  HTTP_TIMEOUT: "timeout",
  TCP_RESET: "cut",
  TLS_HANDSHAKE: "cut",
  HTTP_PROTOCOL: "cut",
  NET_UNREACHABLE: "noRoute",
};

/**
 * How the failed connections failed, when they all failed the same way; null when they differ (or none is known).
 * Reads the target lines' codes: BSG's failed targets are all among them, so one kind here means BSG's failures were
 * all that kind (a failing control of another kind makes it null, the general text, never a wrong one).
 */
export function unreachableHow(d: Pick<Diagnosis, "evidence">): UnreachableHow | null {
  const kinds = new Set<UnreachableHow | undefined>();
  for (const e of d.evidence) if (e.kind === "target" && e.code !== undefined) kinds.add(HOW[e.code]);
  const [only] = kinds;
  return kinds.size === 1 && only !== undefined ? only : null;
}

/** The meaning of a diagnosis as the reader's catalogue says it (a diagnosis without a variant: its verdict's default). */
export function meaningOf(d: Pick<Diagnosis, "verdict" | "variant" | "evidence" | "confidence">, m: Messages): string {
  const variant = d.variant ?? DEFAULT_VARIANT[d.verdict];
  if (variant === "bsg-unreachable") {
    const how = unreachableHow(d);
    if (how !== null) return m.verdicts.unreachableBy[how];
  }
  // classify's no-internet rule is high-confidence exactly when the router answered; otherwise it was not checked.
  if (variant === "no-internet" && d.confidence !== "high") return m.verdicts.noInternetRouterUnchecked;
  return m.verdicts.meaning[variant];
}
