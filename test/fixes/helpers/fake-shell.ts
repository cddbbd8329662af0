/**
 * Test harness around test/fakes/fake-pwsh.mjs: a FAKE PowerShell for the runner's failure paths that a real shell
 * cannot walk on cue (the scripts themselves run under real pwsh in test/ps). It gives each test a temp install
 * folder with dummy scripts, a data folder, a behaviour table and the log of every command line the fake received.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const FAKE_PWSH = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "fakes", "fake-pwsh.mjs");

export const SCRIPT_NAMES = [
  "Clear-AgentDnsCache", "Update-AgentDhcpLease", "Set-AgentDnsServer", "Restore-AgentDnsServer", "Add-AgentFirewallRule",
  "Remove-AgentFirewallRule", "Add-AgentDefenderExclusion", "Remove-AgentDefenderExclusion", "Restart-AgentBsgLauncher",
  "Reset-AgentNetworkStack", "Get-AgentNetworkSnapshot", "Get-AgentEftInstall", "Get-AgentFirewallState",
  "Get-AgentPathTrace",
];

export interface FakeBehaviour {
  action?: "result" | "hang" | "crash" | "junk" | "none" | "invalid" | "exit0";
  status?: string;
  exitCode?: number;
  stdout?: string;
  stderr?: string;
  result?: Record<string, unknown>;
  echoParams?: boolean;
  canary?: string;
  hangMs?: number;
  /** Decorate output the way pwsh does on Linux under TERM=xterm (keypad mode, coloured error text). */
  ansi?: boolean;
}

export interface FakeWorld {
  root: string;
  installDir: string;
  dataDir: string;
  behaviourFile: string;
  logFile: string;
  env: NodeJS.ProcessEnv;
  setBehaviour(table: { default?: FakeBehaviour; scripts?: Record<string, FakeBehaviour> }): void;
  lines(): string[];
}

/** A temp world for the fake shell; `dataDirName` lets a test put non-ASCII into the run paths. */
export function makeFakeWorld(opts: { dataDirName?: string } = {}): FakeWorld {
  chmodSync(FAKE_PWSH, 0o755);
  const root = mkdtempSync(join(tmpdir(), "tca-fix-"));
  const installDir = join(root, "install");
  mkdirSync(join(installDir, "scripts", "lib"), { recursive: true });
  for (const n of SCRIPT_NAMES) writeFileSync(join(installDir, "scripts", `${n}.ps1`), `# dummy ${n}\n`);
  writeFileSync(join(installDir, "scripts", "lib", "FixResult.psm1"), "# dummy module\n");
  const dataDir = join(root, opts.dataDirName ?? "data");
  mkdirSync(dataDir, { recursive: true });
  const behaviourFile = join(root, "behaviour.json");
  const logFile = join(root, "fake-shell.log");
  writeFileSync(behaviourFile, "{}");
  const env = { ...process.env, NODE_POWERSHELL: FAKE_PWSH, FAKE_PWSH_BEHAVIOUR: behaviourFile, FAKE_PWSH_LOG: logFile };
  return {
    root,
    installDir,
    dataDir,
    behaviourFile,
    logFile,
    env,
    setBehaviour: (table) => writeFileSync(behaviourFile, JSON.stringify(table)),
    lines: () => (existsSync(logFile) ? readFileSync(logFile, "utf8").split("\n").filter((l) => l !== "") : []),
  };
}
