// The missing-package gate of the GUI tests: skip locally, fail on CI, always naming the Debian package.
import { afterEach, describe, expect, it, vi } from "vitest";
import { gate, missingLibraries, missingTools } from "./session.js";

describe("GUI test gate", () => {
  const savedCi = process.env.CI;
  afterEach(() => {
    if (savedCi === undefined) delete process.env.CI;
    else process.env.CI = savedCi;
    vi.restoreAllMocks();
  });

  it("names the Debian package of each missing tool", () => {
    expect(missingTools([{ cmd: "sh", pkg: "dash" }, { cmd: "no-such-tool-xyz", pkg: "pkg-xyz" }])).toEqual(["no-such-tool-xyz (Debian package pkg-xyz)"]);
  });

  it("finds no missing library for a binary that has all of them", () => {
    expect(missingLibraries(process.execPath)).toEqual([]);
  });

  it("skips with the message locally", () => {
    delete process.env.CI;
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    expect(gate(["dunst (Debian package dunst)"])).toEqual({ skip: true, failure: null, label: " (skipped: missing dunst (Debian package dunst))" });
  });

  it("fails on CI, naming what CI must install", () => {
    process.env.CI = "1";
    expect(gate(["dunst (Debian package dunst)"])).toEqual({
      skip: false,
      failure: "CI must install the GUI test packages: missing dunst (Debian package dunst)",
      label: "",
    });
  });

  it("runs when nothing is missing", () => {
    expect(gate([])).toEqual({ skip: false, failure: null, label: "" });
  });
});
