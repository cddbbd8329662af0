import { describe, expect, it } from "vitest";
import {
  initialHysteresis,
  isConfirming,
  remainingToConfirm,
  stepHysteresis,
  type HysteresisState,
  type Observation,
  type Thresholds,
  type Transition,
} from "../../src/core/hysteresis.js";
import type { VerdictId } from "../../src/core/types.js";

const T: Thresholds = { failureThreshold: 3, successThreshold: 2 };

/**
 * Compact observation script: `ok`, a verdict id (unhealthy), `~x` = weak unhealthy x, `~ok` = weak healthy,
 * `gap:N` = discard with an N ms gap. Observations are 1 000 ms apart.
 */
function run(script: string, t: Thresholds = T, from: HysteresisState = initialHysteresis) {
  let state = from;
  const transitions: Transition[] = [];
  script
    .split(/\s+/)
    .filter(Boolean)
    .forEach((tok, i) => {
      const at = (i + 1) * 1_000;
      let o: Observation;
      if (tok.startsWith("gap:")) o = { healthy: false, verdict: "inconclusive", at, discard: true, gapMs: Number(tok.slice(4)) };
      else {
        const weak = tok.startsWith("~");
        const v = (weak ? tok.slice(1) : tok) as VerdictId;
        o = { healthy: v === "ok", verdict: v, at, weak };
      }
      const r = stepHysteresis(state, o, t);
      state = r.state;
      if (r.transition) transitions.push(r.transition);
    });
  return { state, transitions, summary: transitions.map((x) => (x.type === "up" ? "up" : `${x.type}:${x.verdict}`)).join(" ") };
}

describe("hysteresis", () => {
  it.each([
    ["all healthy", "ok ok ok ok", ""],
    ["single failure never alerts", "ok bsg-unreachable ok ok", ""],
    ["two failures stay below the threshold", "bsg-unreachable bsg-unreachable ok", ""],
    ["three consecutive failures → down", "bsg-unreachable bsg-unreachable bsg-unreachable", "down:bsg-unreachable"],
    ["down verdict is the confirming observation's", "bsg-unreachable dns-failure no-internet", "down:no-internet"],
    ["interrupted streak restarts", "bsg-unreachable bsg-unreachable ok bsg-unreachable bsg-unreachable", ""],
    ["recovery needs two successes", "x x x ok", "down:x"],
    ["down then up", "x x x ok ok", "down:x up"],
    ["a failure between successes restarts recovery", "x x x ok x ok ok", "down:x up"],
    ["cause change needs two consecutive observations", "x x x dns-failure dns-failure", "down:x verdict:dns-failure"],
    ["flapping between causes is silent", "x x x dns-failure x dns-failure x dns-failure", "down:x"],
    ["a healthy observation resets the candidate", "x x x dns-failure ok dns-failure", "down:x"],
    ["exactly one verdict event per change", "x x x y y y y y", "down:x verdict:y"],
    ["change back also needs confirmation", "x x x y y x x", "down:x verdict:y verdict:x"],
    ["weak failure starts a streak", "~x x x", "down:x"],
    ["weak failures alone never alert", "~x ~x ~x ~x ~x", ""],
    ["weak verdict never becomes the cause", "~bsg-unreachable no-internet no-internet", "down:no-internet"],
    ["weak success does not cancel a streak", "x ~ok x x", "down:x"],
    ["weak signals do not move an open incident", "x x x ~ok ~ok ~y ~y", "down:x"],
    ["discard resets a failure streak", "x x gap:0 x x", ""],
    ["discard resets a recovery streak", "x x x ok gap:0 ok", "down:x"],
    ["discard resets a verdict candidate", "x x x y gap:0 y", "down:x"],
  ])("%s", (_name, script, expected) => {
    expect(run(script.replace(/\bx\b/g, "bsg-unreachable").replace(/\by\b/g, "dns-failure")).summary).toBe(
      expected.replace(/\bx\b/g, "bsg-unreachable").replace(/\by\b/g, "dns-failure"),
    );
  });

  it.each([
    [{ failureThreshold: 1, successThreshold: 1 }, "x ok", "down:x up"],
    [{ failureThreshold: 1, successThreshold: 1 }, "~x ~x", ""],
    [{ failureThreshold: 5, successThreshold: 3 }, "x x x x ok ok", ""],
    [{ failureThreshold: 5, successThreshold: 3 }, "x x x x x ok ok ok", "down:x up"],
    [{ failureThreshold: 3, successThreshold: 2, verdictThreshold: 1 }, "x x x y x", "down:x verdict:y verdict:x"],
  ] as const)("thresholds %j: %s → %s", (t, script, expected) => {
    const sub = (s: string) => s.replace(/\bx\b/g, "bsg-unreachable").replace(/\by\b/g, "dns-failure");
    expect(run(sub(script), t).summary).toBe(sub(expected));
  });

  it("up carries the outage from first failure to first success, minus gaps", () => {
    // failures at 1s,2s,3s (down), gap of 400 ms during the incident, successes at 5s,6s.
    const { transitions } = run("x x x gap:400 ok ok".replace(/x/g, "bsg-unreachable"));
    const up = transitions.find((t) => t.type === "up");
    expect(up).toMatchObject({ type: "up", incidentStart: 1_000, since: 5_000, durationMs: 4_000 - 400, gapMs: 400, previous: "bsg-unreachable" });
    expect(transitions[0]).toMatchObject({ type: "down", since: 1_000, at: 3_000 });
  });

  it("a gap before the incident is not subtracted from it", () => {
    const { transitions } = run("gap:5000 x x x ok ok".replace(/x/g, "bsg-unreachable"));
    expect(transitions.at(-1)).toMatchObject({ type: "up", durationMs: 3_000, gapMs: 0 });
  });

  it.each([
    ["", false, 0],
    ["x", true, 2],
    ["~x", true, 2],
    ["x x", true, 1],
    ["x x x", false, 0],
    ["x x x ok", true, 1],
    ["x x x y", true, 1],
    ["x x x ok ok", false, 0],
  ])("after %j confirming=%s remaining=%i", (script, confirming, remaining) => {
    const { state } = run(script.replace(/\bx\b/g, "bsg-unreachable").replace(/\by\b/g, "dns-failure"));
    expect(isConfirming(state)).toBe(confirming);
    expect(remainingToConfirm(state, T)).toBe(remaining);
  });
});
