/** `fix` subcommands: output, --json, exit codes 0 / 1 / 2, against the engine on an in-memory world. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command, CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import { registerFixCommands } from "../../src/cli/fix-command.js";
import type { VerdictId } from "../../src/core/types.js";
import { FixEngine } from "../../src/fixes/engine.js";
import { Journal } from "../../src/fixes/journal.js";
import { StateRunner } from "./helpers/state-runner.js";

function cli(verdicts: VerdictId[] = ["dns-failure", "ok"]) {
  const runner = new StateRunner();
  const journal = Journal.inDataDir(mkdtempSync(join(tmpdir(), "tca-cli-")));
  const queue = [...verdicts];
  const diagnose = async () => {
    const v = queue.length > 1 ? queue.shift()! : queue[0]!;
    return { verdict: v, confidence: "high" as const, headline: `headline ${v}`, meaning: "", evidence: [], advice: [] };
  };
  const engine = new FixEngine({ runner, journal, config: { policy: {}, dailyCap: 3, verifyWindowMs: 1_000 }, diagnose, benchmarkDns: async () => [], raidInProgress: () => false, sleep: async () => undefined, verifyPollMs: 1 });
  let opened = 0;
  async function exec(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    let pending: Promise<number> | null = null;
    const program = new Command().exitOverride().configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
    registerFixCommands(program, {
      openSession: async () => (opened++, { engine, diagnose, close: async () => undefined }),
      run: (p) => (pending = p),
      out: (s) => (out += s),
      err: (s) => (err += s),
    });
    try {
      await program.parseAsync(args, { from: "user" });
    } catch (e) {
      if (e instanceof CommanderError) return { code: e.exitCode === 0 ? 0 : 2, out, err }; // main.ts maps these to 2
      throw e;
    }
    const code = pending === null ? 0 : await (pending as Promise<number>);
    return { code, out, err };
  }
  return { exec, runner, opened: () => opened };
}

describe("fix CLI", () => {
  it("list: applicable first, with policy; --json", async () => {
    const c = cli(["dns-failure"]);
    const text = await c.exec("fix", "list");
    expect(text.code).toBe(0);
    expect(text.out.split("\n")[1]).toMatch(/^\* flush-dns/);
    const json = await c.exec("fix", "list", "--json");
    const parsed = JSON.parse(json.out) as { verdict: string; fixes: { id: string; appliesNow: boolean }[] };
    expect(parsed.verdict).toBe("dns-failure");
    expect(parsed.fixes.filter((f) => f.appliesNow).map((f) => f.id)).toEqual(["flush-dns", "switch-dns"]);
  });

  it("apply --dry-run prints the plan and changes nothing; apply then undo", async () => {
    const c = cli();
    const dry = await c.exec("fix", "apply", "switch-dns", "--dry-run", "--provider", "quad9");
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(/It would:\n\s+- would change Set-AgentDnsServer\.ps1/);
    expect(c.runner.world.dns).toBe("dhcp");
    const applied = await c.exec("fix", "apply", "switch-dns", "--provider", "quad9", "--json");
    expect(applied.code).toBe(0);
    expect(JSON.parse(applied.out)).toMatchObject({ ok: true, status: "Changed", verification: { result: "improved" } });
    const hist = await c.exec("fix", "history");
    expect(hist.out).toMatch(/switch-dns\s+done\s+Changed\s+by player/);
    const undo = await c.exec("fix", "undo", "--all");
    expect(undo.code).toBe(0);
    expect(c.runner.world.dns).toBe("dhcp");
  });

  it("a fix that did not help is rolled back and exits 1", async () => {
    const c = cli(["dns-failure"]);
    const r = await c.exec("fix", "apply", "switch-dns", "--provider", "google");
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FIX_ROLLED_BACK/);
    expect(r.out).toMatch(/Rolled back:/);
  });

  it.each([
    [["fix", "apply", "format-c"], /unknown fix "format-c"/],
    [["fix", "apply", "flush-dns", "--provider", "google"], /only applies to switch-dns/],
    [["fix", "undo"], /either a fix\/entry id or --all/],
    [["fix", "undo", "switch-dns", "--all"], /either a fix\/entry id or --all/],
    [["fix", "undo", "nonsense"], /Expected a fix id or journal entry id/],
  ])("usage error %j → exit 2", async (args, message) => {
    const c = cli();
    const r = await c.exec(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it("commander's own usage errors (bad provider, missing id) surface as CommanderError → exit 2", async () => {
    const c = cli();
    expect((await c.exec("fix", "apply", "switch-dns", "--provider", "opendns")).code).toBe(2);
    expect((await c.exec("fix", "apply")).code).toBe(2);
  });

  it("--help builds no engine (no PowerShell started)", async () => {
    const c = cli();
    const r = await c.exec("fix", "apply", "--help");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/--dry-run/);
    expect(c.opened()).toBe(0);
  });
});
