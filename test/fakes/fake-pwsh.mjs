#!/usr/bin/env node
// FAKE PowerShell for Linux tests of the runner's error paths that a real shell cannot be made to walk on cue
// (hang, crash with a given exit code, junk, a missing or broken result file). Scripts themselves are tested
// under real pwsh (test/ps); node-powershell is pointed here through NODE_POWERSHELL (platform-notes §3).
//
// It speaks the session's framing (one line `[Console]::Out.WriteLine('<marker>'); [Console]::Error.WriteLine(…)`
// before and after each command; node-powershell's own double-quoted form is understood too) and recognises the
// runner's timed script line:
//   $agentClock = [Diagnostics.Stopwatch]::StartNew(); & '<abs>/X.ps1' -ParamsPath '<p>' -ResultPath '<r>' [-WhatIf]; [Console]::Out.WriteLine('AGENT_SCRIPT_US=' + …)
//   (paths may also be `(Join-Path $env:NAME '<rel>')`)
// and the elevated form `$agentProc = Start-Process -FilePath '<exe>' -Verb RunAs ... -ArgumentList @(...); ...`.
// What a script "does" comes from a behaviour table the test controls, re-read on every run:
//   FAKE_PWSH_BEHAVIOUR=<file.json>  { "default": B, "scripts": { "<Verb-Noun>": B, "<Verb-Noun>:WhatIf": B } }
//   B = { action: "result"|"hang"|"crash"|"junk"|"none"|"invalid"|"exit0", status?, exitCode?, stdout?, stderr?,
//         result?: {…overrides}, echoParams?: bool, canary?: path, hangMs?, ansi?: bool }
//   ansi: wrap output the way pwsh does on Linux under TERM=xterm (ESC[?1h / ESC[?1l, coloured error text).
// Every line received is appended to FAKE_PWSH_LOG, so tests can prove what reached the command line.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";

const log = (l) => process.env.FAKE_PWSH_LOG && appendFileSync(process.env.FAKE_PWSH_LOG, l + "\n");

// The agent's start-up check (src/ports/powershell-check.ts) runs `pwsh -NoLogo -NoProfile -NonInteractive -Command
// "[Console]::Out.Write('TCA-PS ' + $PSVersionTable.PSVersion.ToString())"`: answer it as a PowerShell 7 would, or
// as the behaviour table's "check" entry says (e.g. { "action": "hang" } or { "version": "2.0" }).
const commandAt = process.argv.indexOf("-Command");
if (commandAt !== -1 && process.argv[commandAt + 1] !== "-") {
  const command = process.argv[commandAt + 1] ?? "";
  log(`-Command ${command}`);
  const file = process.env.FAKE_PWSH_BEHAVIOUR;
  const check = (file && existsSync(file) ? JSON.parse(readFileSync(file, "utf8")).check : undefined) ?? {};
  if (check.action === "hang") setInterval(() => {}, 1_000);
  else {
    const mark = /'([A-Z-]+) ' \+ \$PSVersionTable/.exec(command);
    if (mark) process.stdout.write(`${mark[1]} ${check.version ?? "7.4.6"}`);
    process.exit(check.exitCode ?? 0);
  }
}
const rl = createInterface({ input: process.stdin });
const q = [];
let busy = false;
rl.on("line", (l) => {
  q.push(l);
  void pump();
});
rl.on("close", () => process.exit(0));

// '...' with '' escapes, or (Join-Path $env:NAME '...')
const PATH_EXPR = String.raw`(?:'((?:[^']|'')*)'|\(Join-Path \$env:([A-Za-z_][A-Za-z0-9_]*) '((?:[^']|'')*)'\))`;
const unq = (s) => s.replace(/''/g, "'");
function pathFrom(m, i) {
  if (m[i] !== undefined) return unq(m[i]);
  return join(process.env[m[i + 1]] ?? "", unq(m[i + 2]));
}

function behaviourFor(name, whatIf) {
  const file = process.env.FAKE_PWSH_BEHAVIOUR;
  let table = {};
  if (file && existsSync(file)) table = JSON.parse(readFileSync(file, "utf8"));
  const scripts = table.scripts ?? {};
  return scripts[`${name}:${whatIf ? "WhatIf" : "Apply"}`] ?? scripts[name] ?? table.default ?? { action: "result" };
}

function modeOf(name) {
  if (/^(Get)-/.test(name)) return "Read";
  if (/^(Remove|Restore)-/.test(name)) return "Undo";
  return "Apply";
}

async function runScript(scriptPath, paramsPath, resultPath, whatIf) {
  const name = scriptPath.split(/[\\/]/).pop().replace(/\.ps1$/i, "");
  const b = behaviourFor(name, whatIf);
  if (!existsSync(scriptPath)) {
    process.stderr.write(`& : The term '${scriptPath}' is not recognized\n`);
    return;
  }
  if (b.ansi) process.stdout.write("\x1b[?1h\x1b[?1l");
  if (b.stdout) process.stdout.write(b.stdout + "\n");
  if (b.stderr) process.stderr.write(b.ansi ? `\x1b[31;1m${b.stderr}\x1b[0m\n` : b.stderr + "\n");
  const action = b.action ?? "result";
  if (action === "hang") {
    await new Promise((r) => setTimeout(r, b.hangMs ?? 600_000));
    return;
  }
  if (action === "crash") process.exit(b.exitCode ?? 3);
  if (action === "exit0") process.exit(0);
  if (action === "junk") {
    process.stdout.write("\u0000\u00ff garbage \x1b[31m{not json\n");
    if (!b.status) return;
  }
  if (action === "none") return;
  if (action === "invalid") {
    writeFileSync(resultPath, '{"schema":1,"status":"Maybe"}');
    return;
  }
  const params = JSON.parse(readFileSync(paramsPath, "utf8"));
  if (b.canary) appendFileSync(b.canary, "script-ran\n");
  const status = b.status ?? (whatIf ? "WouldChange" : "Changed");
  const result = {
    schema: 1,
    script: name,
    mode: modeOf(name),
    whatIf,
    status,
    changes: status === "Changed" ? [`${name} changed something`] : [],
    plan: whatIf ? [`${name} would change something`] : [],
    before: null,
    after: null,
    data: b.echoParams ? params : null,
    rebootNeeded: false,
    error: status === "Failed" ? { message: "boom", category: "NotSpecified", fullyQualifiedErrorId: "Fake.Boom" } : null,
    startedAt: new Date().toISOString(),
    durationMs: 1,
    ...(b.result ?? {}),
  };
  writeFileSync(resultPath, JSON.stringify(result));
  if (whatIf) process.stdout.write(`What if: Performing the operation "${name}"\n`);
}

const SCRIPT_LINE = new RegExp(
  String.raw`^\$agentClock = \[Diagnostics\.Stopwatch\]::StartNew\(\); & ${PATH_EXPR} -ParamsPath ${PATH_EXPR} -ResultPath ${PATH_EXPR}( -WhatIf)?; \[Console\]::Out\.WriteLine\('AGENT_SCRIPT_US=' \+ .*\)$`,
);
const MARKERS = /^\[Console\]::Out\.WriteLine\('([A-Za-z0-9-]+)'\); \[Console\]::Error\.WriteLine\('([A-Za-z0-9-]+)'\)$/;
const ELEVATED_LINE = /^\$agentProc = Start-Process -FilePath .* -Verb RunAs .*-ArgumentList @\((.*)\); \[Console\]::Out\.WriteLine\('AGENT_EXIT=' \+ \$agentProc\.ExitCode\)$/;

async function pump() {
  if (busy) return;
  busy = true;
  while (q.length) {
    const raw = q.shift();
    log(raw);
    const l = raw.trim();
    let m;
    if ((m = l.match(/^\[Console\]::(Out|Error)\.WriteLine\("(.*)"\)$/))) (m[1] === "Out" ? process.stdout : process.stderr).write(m[2] + "\n");
    else if ((m = l.match(MARKERS))) {
      process.stdout.write(m[1] + "\n");
      process.stderr.write(m[2] + "\n");
    } else if ((m = l.match(SCRIPT_LINE))) {
      const t0 = process.hrtime.bigint();
      await runScript(pathFrom(m, 1), pathFrom(m, 4), pathFrom(m, 7), m[10] !== undefined);
      process.stdout.write(`AGENT_SCRIPT_US=${(process.hrtime.bigint() - t0) / 1000n}\n`);
    }
    else if ((m = l.match(ELEVATED_LINE))) {
      // Elements are '...' literals, optionally wrapped as ('"' + '<x>' + '"').
      const items = [...m[1].matchAll(/\('"' \+ '((?:[^']|'')*)' \+ '"'\)|'((?:[^']|'')*)'/g)].map((x) => unq(x[1] ?? x[2]));
      const at = (flag) => items[items.indexOf(flag) + 1];
      if (process.env.FAKE_PWSH_UAC === "cancel") process.stderr.write("Start-Process : This command cannot be run due to the error: The operation was canceled by the user.\n");
      else {
        await runScript(at("-File"), at("-ParamsPath"), at("-ResultPath"), items.includes("-WhatIf"));
        process.stdout.write("AGENT_EXIT=0\n");
      }
    } else if ((m = l.match(/^Write-Error (.*)$/))) process.stderr.write("Write-Error: " + m[1] + "\n");
    else if ((m = l.match(/^exit (\d+)$/))) process.exit(+m[1]);
    else if (l) process.stdout.write("[fake ran] " + l + "\n");
  }
  busy = false;
}
