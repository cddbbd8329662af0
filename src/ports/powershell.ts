/**
 * The PowerShell port: one warm node-powershell session that runs the agent's scripts (house-style Part 2).
 * Split along its ideas:
 *   powershell/quote.ts       the only strings that reach a command line (psQuote, paths, the script line)
 *   powershell/framing.ts     where a command's output starts and ends (robust to what the shell adds)
 *   powershell/executable.ts  which PowerShell, and its controlled environment
 *   powershell/session.ts     one persistent shell: start, invoke with a timeout, exit codes, dispose
 *   powershell/elevation.ts   which scripts may run as administrator, and the Elevator seam
 *   powershell/runner.ts      params file in, result file out, codes, session reuse and recycling
 */
export { buildScriptCommand, isAscii, psPathExpr, psQuote, SCRIPT_NAME, scriptTimeMs } from "./powershell/quote.js";
export { newFrame, stripAnsi, FrameReader, framedLines, type Frame } from "./powershell/framing.js";
export { resolvePowerShellExecutable, SESSION_PRELUDE, SHELL_ENV, shellEnvironment } from "./powershell/executable.js";
export { describeExit, PowerShellSession, type InvokeOutcome, type SessionOptions } from "./powershell/session.js";
export {
  buildStartProcessCommand,
  chainElevators,
  elevatedArgs,
  sha256File,
  StartProcessElevator,
  verifyForElevation,
  type ElevationOutcome,
  type ElevationRequest,
  type Elevator,
  type ScriptManifest,
  type SessionInvoke,
} from "./powershell/elevation.js";
export {
  findTruncation,
  newRunId,
  PowerShellRunner,
  type PowerShellRunnerOptions,
  type RunLog,
  type RunnerCode,
  type RunnerLog,
  type RunOutcome,
  type ScriptRequest,
  type ScriptRunner,
} from "./powershell/runner.js";
