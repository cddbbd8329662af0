/**
 * The status card's words: the verdict, what it means, what the agent saw and what to do, in the page's language
 * and in plain words (the sentences `diagnose` leads with), from a real classified round; codes and the core's
 * technical evidence lines only in the details part; everything sanitised for display.
 */
import { describe, expect, it } from "vitest";
import type { MonitorSnapshot } from "../../src/agent/monitor-types.js";
import { classify } from "../../src/core/classify.js";
import { messages } from "../../src/core/i18n/index.js";
import type { Diagnosis, RoundResult } from "../../src/core/types.js";
import { plainEvidence } from "../../src/report/diagnose-text.js";
import { coreWords, rememberRounds, statusView } from "../../src/dashboard/views.js";
import type { StatusView } from "../../src/dashboard/types.js";
import { round } from "../helpers/round-builder.js";

const snapshotOf = (d: Diagnosis, r: RoundResult): MonitorSnapshot => ({
  mode: "running",
  status: "down",
  verdict: d.verdict,
  since: r.at,
  incidentId: "i1",
  pausedUntil: null,
  lastDiagnosis: d,
  lastRoundAt: r.at,
  maintenance: { active: false, message: null },
});

/** Every player-facing text of the card except the details part. */
const plainParts = (v: StatusView): string[] => [v.title ?? "", v.diagnosis!.headline, v.diagnosis!.meaning, ...v.diagnosis!.saw, ...v.diagnosis!.advice.map((a) => a.text)];

// BSG's servers refuse connections while other sites work and the router answers: the world's "refuse" drop.
const refused = round({ bsg: ["prod-gw1", "launch-gw2", "trade-gw3"].map((id) => ({ id, fail: "TCP_REFUSED" as const })), controls: [{ id: "cf-ctl" }, { id: "g-ctl" }] });

describe("statusView", () => {
  const memory = rememberRounds(classify);
  const d = memory.classify(refused);

  it("remembers the round behind each diagnosis it made, and only those", () => {
    expect(memory.roundOf(d)).toBe(refused);
    expect(memory.roundOf(classify(refused))).toBeNull();
    expect(d.evidence.some((e) => e.code === "TCP_REFUSED")).toBe(true); // the details below have something to hold
  });

  it("speaks English plainly, with the codes only in the details", () => {
    const v = statusView(snapshotOf(d, refused), coreWords, "en", memory.roundOf(d));
    const m = messages("en");
    expect(v.title).toBe(m.verdicts.name[d.verdict]);
    expect(v.diagnosis!.headline).toBe(m.verdicts.name[d.verdict]);
    expect(v.diagnosis!.saw).toEqual(plainEvidence(refused, d, m));
    expect(v.diagnosis!.saw[0]).toBe("None of BSG's 3 servers answered: the connections were refused.");
    expect(v.diagnosis!.saw).toContain("Other sites work (2 of 2).");
    expect(v.diagnosis!.saw).toContain("Your router answers.");
    expect(v.diagnosis!.advice.length).toBeGreaterThan(0);
    for (const text of plainParts(v)) expect(text).not.toMatch(/TCP_|ECONN|gw\d|ctl|example\.test/);
    expect(v.diagnosis!.details.map((x) => x.code)).toContain("TCP_REFUSED");
  });

  it("speaks Russian: every plain part in Cyrillic, the same advice as diagnose gives in Russian", () => {
    const v = statusView(snapshotOf(d, refused), coreWords, "ru", memory.roundOf(d));
    const m = messages("ru");
    expect(v.title).toBe(m.verdicts.name[d.verdict]);
    expect(v.diagnosis!.saw).toEqual(plainEvidence(refused, d, m));
    expect(v.diagnosis!.saw[0]).toBe("Ни один из 3 серверов BSG не ответил: в соединении отказано.");
    expect(v.diagnosis!.saw).toContain("Роутер отвечает.");
    for (const text of plainParts(v)) {
      expect(text).toMatch(/[а-яё]/i);
      expect(text).not.toMatch(/TCP_|ECONN|gw\d|ctl|\bthe\b|\byour\b/i);
    }
    // The English view says the same number of things: nothing is dropped in translation.
    const en = statusView(snapshotOf(d, refused), coreWords, "en", refused);
    expect(v.diagnosis!.saw.length).toBe(en.diagnosis!.saw.length);
    expect(v.diagnosis!.advice.map((a) => a.step)).toEqual(en.diagnosis!.advice.map((a) => a.step));
    expect(v.diagnosis!.details).toEqual(en.diagnosis!.details);
  });

  it("without the round says nothing it cannot say plainly (the details still hold everything)", () => {
    const v = statusView(snapshotOf(d, refused), coreWords, "ru", null);
    expect(v.diagnosis!.saw).toEqual([]);
    expect(v.diagnosis!.meaning).toMatch(/[а-яё]/i);
    expect(v.diagnosis!.details.length).toBe(d.evidence.length);
  });

  it("sanitises what came from the network: a certificate issuer with control sequences", () => {
    const hostile = round({ bsg: [{ id: "prod", fail: "TLS_UNTRUSTED", issuer: "CN=Evil\u001b]0;pwned\u0007 Proxy\u202e" }], controls: [{ id: "cf" }] });
    const hd = memory.classify(hostile);
    const v = statusView(snapshotOf(hd, hostile), coreWords, "ru", memory.roundOf(hd));
    const all = [...plainParts(v), ...v.diagnosis!.details.map((x) => x.text)].join(" ");
    expect(v.diagnosis!.saw.join("\n")).toMatch(/Evil/);
    const controls = [...all].filter((c) => { const n = c.codePointAt(0)!; return n < 0x20 || n === 0x7f || n === 0x202e; });
    expect(controls).toEqual([]);
  });
});
