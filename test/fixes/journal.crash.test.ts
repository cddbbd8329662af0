/**
 * Crash between journal-before and journal-after: a real child process (engine + journal + PowerShell runner on the
 * FAKE shell, which can hang inside the real run on cue) is SIGKILLed while the fix script runs. The next start
 * must find the pending record and resolve it against the real state.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { FixEngine } from "../../src/fixes/engine.js";
import { Journal } from "../../src/fixes/journal.js";
import { PowerShellRunner } from "../../src/ports/powershell.js";
import { makeFakeWorld } from "./helpers/fake-shell.js";
import { transpileSrc } from "./helpers/transpile.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const snapshot = { adapters: [{ interfaceIndex: 12, source: "Dhcp", ipv4: [], ipv6: [] }] };
const runners: PowerShellRunner[] = [];
afterAll(async () => Promise.all(runners.map((r) => r.dispose())));

// A child node process transpiling and loading the fix engine, then a fake PowerShell (another node process): ~1 s
// on a quiet machine, several at CI load (a bare node CLI start took ~6 s at load 8 here), hence the room below.
describe("crash between journal-before and journal-after", { timeout: 120_000 }, () => {
  it("leaves a pending record that the next start checks and undoes", async () => {
    const w = makeFakeWorld();
    w.setBehaviour({
      scripts: {
        "Set-AgentDnsServer:WhatIf": { action: "result", status: "WouldChange", result: { before: snapshot, plan: ["set DNS on Ethernet to 1.1.1.1"] } },
        "Set-AgentDnsServer:Apply": { action: "hang" },
      },
    });
    const jsRoot = transpileSrc();
    const child = spawn(process.execPath, [join(HERE, "crash-child.mjs"), jsRoot, w.installDir, w.dataDir], { env: w.env, stdio: ["ignore", "pipe", "pipe"] });
    let childOut = "";
    child.stdout.on("data", (d: Buffer) => (childOut += d.toString()));
    child.stderr.on("data", (d: Buffer) => (childOut += d.toString()));
    let gone = false;
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on("exit", (_c, sig) => ((gone = true), r(sig))));

    // Wait until the journal holds the pending record AND the fake shell received the real (non -WhatIf) run.
    const journalPath = join(w.dataDir, "journal.json");
    const deadline = Date.now() + 60_000;
    for (;;) {
      const pendingWritten = existsSync(journalPath) && /"state":\s*"pending"/.test(readFileSync(journalPath, "utf8"));
      const realRunStarted = w.lines().some((l) => l.includes("Set-AgentDnsServer.ps1") && !l.includes(" -WhatIf"));
      if (pendingWritten && realRunStarted) break;
      if (gone || Date.now() > deadline) throw new Error(`child never reached the script run; output: ${childOut}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    expect(childOut).not.toContain("should have been killed");

    const [pending] = JSON.parse(readFileSync(journalPath, "utf8")).entries;
    expect(pending).toMatchObject({ fixId: "switch-dns", state: "pending", approvedBy: "auto", incidentId: "inc-crash", before: snapshot });

    // Next start: the change had taken effect (its dry run now says NoChange); the undo gets the recorded snapshot.
    w.setBehaviour({
      scripts: {
        "Set-AgentDnsServer:WhatIf": { action: "result", status: "NoChange" },
        "Restore-AgentDnsServer": { action: "result", status: "Changed", echoParams: true },
      },
    });
    const runner = new PowerShellRunner({ installDir: w.installDir, dataDir: w.dataDir, env: w.env, honourNodePowerShellEnv: true, timeoutMs: 5_000, elevator: null });
    runners.push(runner);
    const engine = new FixEngine({
      runner,
      journal: Journal.inDataDir(w.dataDir),
      config: { policy: {}, dailyCap: 3, verifyWindowMs: 30_000 },
      diagnose: async () => ({ verdict: "ok", confidence: "high", headline: "", meaning: "", evidence: [], advice: [] }),
      benchmarkDns: async () => [],
      raidInProgress: () => false,
    });
    for (const id of ["switch-dns", "restore-dns"]) engine.fix(id)!.needsAdmin = false; // no elevator on Linux
    const out = await engine.resolvePending();
    expect(out).toEqual([{ entryId: pending.id, fixId: "switch-dns", outcome: "undone", message: expect.stringMatching(/had taken effect and was undone/) }]);
    const [after] = await engine.history();
    expect(after).toMatchObject({ id: pending.id, state: "undone", undo: { state: "done", by: "resolve-pending", status: "Changed" } });
    const restoreLine = w.lines().find((l) => l.includes("Restore-AgentDnsServer.ps1"));
    expect(restoreLine).toBeDefined();
    // A second start finds nothing left to resolve.
    expect(await engine.resolvePending()).toEqual([]);
  });
});
