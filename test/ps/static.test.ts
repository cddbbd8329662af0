/**
 * Static contract checks for every script in scripts/ (runs on any OS; no PowerShell needed).
 * Parses with tree-sitter-powershell and holds each file to house-style Part 2: Windows PowerShell 5.1 syntax,
 * the script skeleton, -WhatIf through ShouldProcess, and no way for a params value to become code.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative } from "node:path";
import type { Node } from "web-tree-sitter";
import { describe, expect, it } from "vitest";
import {
  APPROVED_VERBS,
  commandCalls,
  functionNames,
  guardedByShouldProcess,
  parsePs,
  scriptAttributes,
  scriptParameters,
  shouldProcessCalls,
  syntaxErrors,
  syntaxNewerThan51,
  allNodes,
} from "./powershell-ast.js";

const ROOT = join(import.meta.dirname, "..", "..");
const SCRIPTS = join(ROOT, "scripts");

function listPs(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return listPs(full);
    return /\.ps(m?)1$/i.test(name) ? [full] : [];
  });
}

const files = listPs(SCRIPTS).sort();
const scripts = files.filter((f) => f.endsWith(".ps1"));
const rel = (f: string) => relative(ROOT, f);
const verbOf = (f: string) => basename(f, ".ps1").split("-")[0] ?? "";
/** Read-only scripts; everything else changes state and must support -WhatIf. */
const isReadOnly = (f: string) => verbOf(f) === "Get";
const expectedMode = (f: string) => (isReadOnly(f) ? "Read" : ["Remove", "Restore"].includes(verbOf(f)) ? "Undo" : "Apply");

/** Commands that change the machine: only allowed inside `if ($PSCmdlet.ShouldProcess(...)) { }`. */
const MUTATING = new Set(
  [
    "Set-DnsClientServerAddress", "Clear-DnsClientCache", "New-NetFirewallRule", "Remove-NetFirewallRule", "Set-NetFirewallRule",
    "Enable-NetFirewallRule", "Disable-NetFirewallRule", "Add-MpPreference", "Remove-MpPreference", "Set-MpPreference",
    "Stop-Process", "Start-Process", "Invoke-AgentNative", "Restart-NetAdapter", "Disable-NetAdapter", "Enable-NetAdapter",
    "Set-NetIPInterface", "Set-ItemProperty", "New-ItemProperty", "Remove-ItemProperty", "Remove-Item", "New-Item",
    "Set-NetAdapterAdvancedProperty", "Stop-Service", "Start-Service", "Restart-Service",
  ].map((c) => c.toLowerCase()),
);
/** Never allowed anywhere: code from strings, host output, pipeline output, encodings other than the contract's. */
const FORBIDDEN = new Set(
  ["Invoke-Expression", "iex", "Invoke-Command", "icm", "Write-Host", "Write-Output", "echo", "Add-Type", "Out-File", "Set-Content", "Add-Content",
    "Set-Location", "cd", "Push-Location", "cmd", "cmd.exe", "powershell", "powershell.exe", "pwsh", "Start-Job", "New-Alias", "Set-Alias"].map((c) => c.toLowerCase()),
);
/** Native tools a script may run with `&`, always with literal names (arguments as separate tokens). */
const NATIVE_ALLOWED = new Set(["netsh", "ipconfig"]);
/**
 * The one script that runs a Windows tool by its full path (`& $Exe`, so no program of that name on PATH can stand
 * in): the path is built from %SystemRoot%\System32 and a literal file name; its own test below holds it to that.
 */
const SYSTEM_TOOL_CALL = { script: join("scripts", "Get-AgentPathTrace.ps1"), name: "$Exe" };

const parsed = new Map<string, { src: string; root: Node }>();
async function load(file: string) {
  let hit = parsed.get(file);
  if (!hit) {
    const src = readFileSync(file, "utf8");
    hit = { src, root: (await parsePs(src)).rootNode };
    parsed.set(file, hit);
  }
  return hit;
}

describe("scripts/ inventory", () => {
  it("has the scripts the fix catalogue names", () => {
    const names = scripts.map((f) => basename(f));
    for (const s of [
      "Clear-AgentDnsCache.ps1", "Update-AgentDhcpLease.ps1", "Set-AgentDnsServer.ps1", "Restore-AgentDnsServer.ps1",
      "Add-AgentFirewallRule.ps1", "Remove-AgentFirewallRule.ps1", "Add-AgentDefenderExclusion.ps1", "Remove-AgentDefenderExclusion.ps1",
      "Restart-AgentBsgLauncher.ps1", "Reset-AgentNetworkStack.ps1", "Get-AgentNetworkSnapshot.ps1", "Get-AgentEftInstall.ps1",
      "Get-AgentFirewallState.ps1", "Get-AgentPathTrace.ps1",
    ]) expect(names).toContain(s);
    expect(files.map(rel)).toContain(join("scripts", "lib", "AgentScript.psm1"));
  });
});

describe.each(files.map((f) => [rel(f), f] as const))("%s", (_name, file) => {
  it("parses with tree-sitter-powershell (no ERROR/MISSING nodes)", async () => {
    const { root } = await load(file);
    expect(syntaxErrors(root)).toEqual([]);
  });

  it("uses only Windows PowerShell 5.1 syntax (no && || ?? ?. ternary, -Parallel, `u{})", async () => {
    const { root } = await load(file);
    expect(syntaxNewerThan51(root)).toEqual([]);
  });

  it("is ASCII (5.1 reads BOM-less files as ANSI) and starts with #Requires -Version 5.1", async () => {
    const { src } = await load(file);
    expect([...src].filter((ch) => ch.charCodeAt(0) > 0x7e || (ch.charCodeAt(0) < 0x20 && !"\r\n\t".includes(ch)))).toEqual([]);
    expect(src.split(/\r?\n/)[0]).toBe("#Requires -Version 5.1");
  });

  it("sets StrictMode 3.0 and never calls forbidden commands", async () => {
    const { root } = await load(file);
    const calls = commandCalls(root);
    expect(calls.some((c) => /^Set-StrictMode$/i.test(c.name) && /-Version\s+3\.0/.test(c.args))).toBe(true);
    const bad = calls.filter((c) => FORBIDDEN.has(c.name.toLowerCase())).map((c) => c.name);
    expect(bad).toEqual([]);
    const startProcessArgs = calls.filter((c) => /^Start-Process$/i.test(c.name) && /-ArgumentList|-Args\b/i.test(c.args));
    expect(startProcessArgs.map((c) => c.node.text)).toEqual([]);
  });

  it("never builds code from strings ([scriptblock]::Create, InvokeCommand, NewScriptBlock, -EncodedCommand)", async () => {
    const { root } = await load(file);
    const code = allNodes(root)
      .filter((n) => n.type !== "comment")
      .filter((n) => /\[scriptblock\]\s*::\s*Create|\.InvokeCommand\b|NewScriptBlock|-EncodedCommand|InvokeScript/i.test(n.text) && n.childCount === 0);
    const invocations = allNodes(root).filter(
      (n) => (n.type === "invokation_expression" || n.type === "member_access") && /\[scriptblock\]\s*::\s*Create|InvokeCommand|NewScriptBlock|InvokeScript/i.test(n.text),
    );
    expect([...code, ...invocations].map((n) => n.text.slice(0, 60))).toEqual([]);
  });

  it("uses & only with literal, allow-listed native tools", async () => {
    const { root } = await load(file);
    const viaOperator = commandCalls(root).filter((c) => c.callOperator && !(rel(file) === SYSTEM_TOOL_CALL.script && c.name === SYSTEM_TOOL_CALL.name));
    for (const c of viaOperator) expect(NATIVE_ALLOWED.has(c.name), `& ${c.name} at ${c.node.startPosition.row + 1}`).toBe(true);
    if (viaOperator.length > 0) expect(rel(file)).toBe(join("scripts", "lib", "AgentScript.psm1"));
  });

  it("names every function with an approved verb", async () => {
    const { root } = await load(file);
    for (const { name } of functionNames(root)) {
      expect(name, name).toMatch(/^[A-Z][A-Za-z]+-[A-Z][A-Za-z]+$/);
      expect(APPROVED_VERBS.has(name.split("-")[0] ?? ""), `${name}: unapproved verb`).toBe(true);
    }
  });

  it("never assigns globals or environment variables (shared session hygiene)", async () => {
    const { root } = await load(file);
    const assigned = allNodes(root)
      .filter((n) => n.type === "left_assignment_expression")
      .map((n) => n.text.trim())
      .filter((t) => /^\$(global|env):/i.test(t) && !/^\$global:LASTEXITCODE$/i.test(t));
    expect(assigned).toEqual([]);
  });
});

describe.each(scripts.map((f) => [rel(f), f] as const))("%s (script skeleton)", (_name, file) => {
  it("is named Verb-Noun with an approved verb", () => {
    const name = basename(file, ".ps1");
    expect(name).toMatch(/^[A-Z][a-z]+-Agent[A-Z][A-Za-z]+$/);
    expect(APPROVED_VERBS.has(verbOf(file))).toBe(true);
  });

  it("has comment-based help with .SYNOPSIS, .PARAMETER ParamsPath/ResultPath before param()", async () => {
    const { root } = await load(file);
    const help = root.children.find((c) => c?.type === "comment" && /\.SYNOPSIS/.test(c.text));
    expect(help).toBeDefined();
    expect(help?.text).toMatch(/\.PARAMETER\s+ParamsPath/);
    expect(help?.text).toMatch(/\.PARAMETER\s+ResultPath/);
  });

  it("declares mandatory -ParamsPath and -ResultPath and nothing else", async () => {
    const { root } = await load(file);
    expect(scriptParameters(root)).toEqual([
      { name: "ParamsPath", mandatory: true },
      { name: "ResultPath", mandatory: true },
    ]);
  });

  it("sets $ErrorActionPreference = 'Stop' at script level and reads params only through Read-AgentParams", async () => {
    const { root } = await load(file);
    const top = root.children.find((c) => c?.type === "statement_list");
    expect(top?.children.some((c) => c?.type === "pipeline" && /^\$ErrorActionPreference\s*=\s*'Stop'$/.test(c.text.trim()))).toBe(true);
    const calls = commandCalls(root);
    expect(calls.filter((c) => /^Read-AgentParams$/i.test(c.name) && /-Path\s+\$ParamsPath\b/.test(c.args))).toHaveLength(1);
    expect(calls.filter((c) => /^(Get-Content|ConvertFrom-Json)$/i.test(c.name))).toEqual([]);
  });

  it("builds its result with its own name and mode, and saves it in a finally block", async () => {
    const { root, src } = await load(file);
    const name = basename(file, ".ps1");
    const create = commandCalls(root).find((c) => /^New-AgentResult$/i.test(c.name));
    expect(create?.args).toMatch(new RegExp(`-Script\\s+'${name}'`));
    expect(create?.args).toMatch(new RegExp(`-Mode\\s+'${expectedMode(file)}'`));
    const save = commandCalls(root).filter((c) => /^Save-AgentResult$/i.test(c.name));
    expect(save).toHaveLength(1);
    let inFinally = false;
    for (let n: Node | null = save[0]?.node ?? null; n; n = n.parent) if (n.type === "finally_clause") inFinally = true;
    expect(inFinally).toBe(true);
    expect(src).toMatch(/Import-Module -Name \(Join-Path \(Join-Path \$PSScriptRoot 'lib'\) 'AgentScript\.psm1'\) -Force/);
  });

  if (isReadOnly(file)) {
    it("is read-only: plain [CmdletBinding()], no state-changing command", async () => {
      const { root } = await load(file);
      expect(scriptAttributes(root, "CmdletBinding").map((n) => n.text)).toEqual(["[CmdletBinding()]"]);
      const mutating = commandCalls(root)
        .filter((c) => MUTATING.has(c.name.toLowerCase()))
        // netsh wlan show interfaces is the one read-only native call (Wi-Fi signal).
        .filter((c) => !(c.name === "Invoke-AgentNative" && /'wlan', 'show', 'interfaces'/.test(c.args)));
      expect(mutating.map((c) => c.node.text)).toEqual([]);
      const create = commandCalls(root).find((c) => /^New-AgentResult$/i.test(c.name));
      expect(create?.args).not.toMatch(/-DryRun/);
    });
  } else {
    it("supports -WhatIf: SupportsShouldProcess, ConfirmImpact 'Medium', dry-run flag from $WhatIfPreference", async () => {
      const { root } = await load(file);
      const binding = scriptAttributes(root, "CmdletBinding").map((n) => n.text);
      expect(binding).toEqual(["[CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]"]);
      expect(shouldProcessCalls(root).length).toBeGreaterThan(0);
      const create = commandCalls(root).find((c) => /^New-AgentResult$/i.test(c.name));
      expect(create?.args).toMatch(/-DryRun:\$WhatIfPreference/);
    });

    it("changes state only inside if ($PSCmdlet.ShouldProcess(...)), each change planned first", async () => {
      const { root } = await load(file);
      const mutating = commandCalls(root).filter((c) => MUTATING.has(c.name.toLowerCase()));
      expect(mutating.length).toBeGreaterThan(0);
      const unguarded = mutating.filter((c) => !guardedByShouldProcess(c.node)).map((c) => `${c.name} at ${c.node.startPosition.row + 1}`);
      expect(unguarded).toEqual([]);
      expect(commandCalls(root).some((c) => c.name === "Add-AgentPlan")).toBe(true);
    });
  }
});

describe("scripts/lib/AgentScript.psm1", () => {
  it("writes the result as UTF-8 without BOM via WriteAllText, at a JSON depth it measures results against", async () => {
    const { src } = await load(join(SCRIPTS, "lib", "AgentScript.psm1"));
    expect(src).toMatch(/\$script:ResultDepth = 12\b/);
    expect(src).toMatch(/ConvertTo-Json -InputObject \$out -Depth \$script:ResultDepth -WarningVariable depthWarnings/);
    expect(src).toMatch(/Measure-AgentNesting -InputObject \$out/);
    expect(src).toMatch(/\[System\.IO\.File\]::WriteAllText\(\$Path, \$json, \(New-Object System\.Text\.UTF8Encoding \$false\)\)/);
    expect(src).toMatch(/\.ToUniversalTime\(\)\.ToString\('o'\)/);
  });

  it("runs native tools under a local 'Continue' and judges them by $LASTEXITCODE", async () => {
    const { root } = await load(join(SCRIPTS, "lib", "AgentScript.psm1"));
    const fn = allNodes(root).find((n) => n.type === "function_statement" && /function Invoke-AgentNative\b/.test(n.text));
    expect(fn?.text).toMatch(/\$ErrorActionPreference = 'Continue'/);
    expect(fn?.text).toMatch(/ValidateSet\('netsh', 'ipconfig'\)/);
    expect(fn?.text).toMatch(/\$LASTEXITCODE/);
  });
});

describe("scripts/Get-AgentPathTrace.ps1", () => {
  it("runs only TRACERT.EXE or PATHPING.EXE from %SystemRoot%\\System32, each argument its own token, the target parsed first", async () => {
    const { root, src } = await load(join(ROOT, SYSTEM_TOOL_CALL.script));
    const viaOperator = commandCalls(root).filter((c) => c.callOperator);
    expect(viaOperator.map((c) => `${c.name} ${c.args.trim()}`)).toEqual(["$Exe @Arguments 2>&1"]);
    // $Exe is only ever the parameter, and the one caller builds it from SystemRoot\System32 and a literal name.
    expect(src.match(/\$exe = .*/gi)).toEqual(["$exe = Join-Path (Join-Path $env:SystemRoot 'System32') $file"]);
    expect(src.match(/\$file = '[^']*'/g)).toEqual(["$file = 'TRACERT.EXE'", "$file = 'PATHPING.EXE'"]);
    // The address that reaches the tool is the parsed one, never the params text.
    expect(src.match(/\$arguments = @\(.*\)/g)?.every((a) => a.endsWith("$target.ToString())"))).toBe(true);
    expect(src).toMatch(/\[System\.Net\.IPAddress\]::TryParse\(\$Text, \[ref\]\$parsed\)/);
    const fn = allNodes(root).find((n) => n.type === "function_statement" && /function Invoke-TraceTool\b/.test(n.text));
    expect(fn?.text).toMatch(/\$ErrorActionPreference = 'Continue'/);
    expect(fn?.text).toMatch(/\$LASTEXITCODE/);
  });
});

describe("the checker itself", () => {
  it.each([
    ["null-coalescing", "$a = $b ?? 1\n"],
    ["ternary", "$c = $x ? 1 : 2\n"],
    ["null-conditional member", "$d = $e?.f\n"],
    ["pipeline chain &&", "git status && echo ok\n"],
    ["pipeline chain ||", "git status || echo no\n"],
  ])("flags %s", async (_label, src) => {
    const { rootNode } = await parsePs(src);
    expect([...syntaxErrors(rootNode), ...syntaxNewerThan51(rootNode)].length).toBeGreaterThan(0);
  });

  it("ignores the same characters inside strings and comments", async () => {
    const { rootNode } = await parsePs("# a && b ?? c\n$s = 'x ?? y && z'\n$t = \"a || b\"\n");
    expect([...syntaxErrors(rootNode), ...syntaxNewerThan51(rootNode)]).toEqual([]);
  });

  it("sees a state change outside ShouldProcess", async () => {
    const { rootNode } = await parsePs("if ($PSCmdlet.ShouldProcess('t', 'a')) { Clear-DnsClientCache }\nClear-DnsClientCache\n");
    const calls = commandCalls(rootNode).filter((c) => c.name === "Clear-DnsClientCache");
    expect(calls.map((c) => guardedByShouldProcess(c.node))).toEqual([true, false]);
  });

  it("treats the else branch of a ShouldProcess if as unguarded", async () => {
    const { rootNode } = await parsePs("if ($PSCmdlet.ShouldProcess('t', 'a')) { $x = 1 } else { Clear-DnsClientCache }\n");
    const calls = commandCalls(rootNode).filter((c) => c.name === "Clear-DnsClientCache");
    expect(calls.map((c) => guardedByShouldProcess(c.node))).toEqual([false]);
  });

  it("has the 98 verbs of Windows PowerShell 5.1's Get-Verb", () => {
    expect(APPROVED_VERBS.size).toBe(98);
  });
});
