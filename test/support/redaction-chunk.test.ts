// redactChunk skips the game's record head (time|version|level|channel|) and redacts only the message. These tests
// hold it to the engine's own answer on the whole line, over every line of the planted-secrets corpus, and show that
// what only looks like a head (an IPv4 address where the version goes) is still redacted.
import { describe, expect, it } from "vitest";
import { createBundleRedactor, recordHeadLength, redactChunk } from "../../src/support/redaction.js";
import { GAME_FILES, LAUNCHER_LINES, OS_USER } from "./secrets-corpus.js";

const options = { enabled: true, userNames: [OS_USER], ssids: [], keepAddresses: ["104.200.159.98"] };

describe("redactChunk and the game's record head", () => {
  it("gives the engine's own whole-line answer and counts for every corpus line", () => {
    const lines = [...Object.values(GAME_FILES).flat(), ...LAUNCHER_LINES];
    expect(lines.filter((l) => recordHeadLength(l) > 0).length).toBeGreaterThan(10);
    const whole = createBundleRedactor(options);
    const expected = lines.map((l) => whole.text(l)).join("\n") + "\n";
    const chunked = createBundleRedactor(options);
    const r = redactChunk(chunked, lines.join("\n") + "\n");
    expect(r.text).toBe(expected);
    expect(chunked.counts()).toEqual(whole.counts());
  });

  it("finds the head of a real 1.0 line, with and without the version", () => {
    // [TH-P] shape: 2025-12-08 15:01:56.925|1.0.0.2.42157|Info|backend|…
    const head = "2025-12-08 15:01:56.925|1.0.0.2.42157|Info|backend|";
    expect(recordHeadLength(`${head}---> Request`)).toBe(head.length);
    const noVersion = "2025-12-08 15:01:56.925 +01:00|Info|backend|";
    expect(recordHeadLength(`${noVersion}x`)).toBe(noVersion.length);
    expect(recordHeadLength("not a head|Info|backend|x")).toBe(0);
  });

  it("does not take an IPv4 address in the version's place for a head: the address is redacted", () => {
    const line = "2025-12-08 15:01:56.925|81.2.69.160|Info|backend|hello";
    expect(recordHeadLength(line)).toBe(0);
    const r = redactChunk(createBundleRedactor(options), line + "\n");
    expect(r.text).not.toContain("81.2.69.160");
  });
});
