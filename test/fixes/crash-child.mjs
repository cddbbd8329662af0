// Child process for journal.crash.test.ts: applies switch-dns through the real engine, journal and PowerShell
// runner (fake shell). The fake shell hangs inside the real run, so the parent can SIGKILL this process between the
// journal's "pending" write and its "done" write.
const [, , jsRoot, installDir, dataDir] = process.argv;
const { FixEngine } = await import(`${jsRoot}/src/fixes/engine.js`);
const { Journal } = await import(`${jsRoot}/src/fixes/journal.js`);
const { PowerShellRunner } = await import(`${jsRoot}/src/ports/powershell.js`);
const runner = new PowerShellRunner({ installDir, dataDir, env: process.env, honourNodePowerShellEnv: true, timeoutMs: 120_000, elevator: null, elevatedTimeoutMs: 120_000 });
const engine = new FixEngine({
  runner,
  journal: Journal.inDataDir(dataDir),
  config: { policy: {}, dailyCap: 3, verifyWindowMs: 30_000 },
  diagnose: async () => ({ verdict: "dns-failure", confidence: "high", headline: "", meaning: "", evidence: [], advice: [] }),
  benchmarkDns: async () => [],
  raidInProgress: () => false,
});
// Elevation is not what this test is about: run the "admin" script in the shared session.
engine.fix("switch-dns").needsAdmin = false;
process.stdout.write("child ready\n");
await engine.applyFix("switch-dns", { provider: "cloudflare", approvedBy: "auto", incidentId: "inc-crash" });
process.stdout.write("child finished (should have been killed)\n");
