/**
 * One persistent PowerShell process (`-NoExit -Command -`), started by node-powershell, that runs one command at a
 * time. node-powershell spawns the shell with its options and owns its exit; the framing of each command is ours
 * (see framing.ts for why), and so are the timeout and the exit code, because a timed-out node-powershell instance
 * is unusable and its exit error reads "Shell process N exited.\nundefined".
 */
import type { ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { EOL } from "node:os";
import { PowerShell } from "node-powershell";
import { FrameReader, framedLines, newFrame, stripAnsi, type Frame } from "./framing.js";

/** How one command ended. Output is cleaned of terminal control sequences. */
export type InvokeOutcome =
  | { kind: "ok"; stdout: string; stderr: string; durationMs: number }
  /** No END marker in time; the session has been ended, so whatever the command was doing stopped with it. */
  | { kind: "timeout"; stdout: string; stderr: string; durationMs: number }
  | { kind: "exited"; exitCode: number | null; signal: string | null; stdout: string; stderr: string; durationMs: number }
  | { kind: "missing"; message: string; durationMs: number };

export interface SessionOptions {
  executable: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Literal statements run first, before any command (session settings; tests add their stand-in module). */
  prelude: readonly string[];
  /** Time allowed for the shell to start and run the prelude. */
  startTimeoutMs: number;
}

interface Pending {
  frame: Frame;
  started: number;
  timer: NodeJS.Timeout;
  done: (o: InvokeOutcome) => void;
}

/**
 * Every descendant of a process (Linux: from /proc). A launcher such as the dotnet-tool shim `.tools/pwsh/pwsh`
 * runs PowerShell as a child process and does not pass signals on: killing only the shim would leave the real
 * shell running, still holding our pipes. Elsewhere (Windows runs powershell.exe itself) the list is empty.
 */
export function descendantPids(root: number): number[] {
  if (process.platform !== "linux") return [];
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, "utf8");
      // pid (comm) state ppid …  — comm may hold spaces and parentheses, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(e));
      children.set(ppid, list);
    } catch {
      /* the process ended while we looked */
    }
  }
  const out: number[] = [];
  const todo = [root];
  while (todo.length > 0) {
    for (const c of children.get(todo.pop()!) ?? []) {
      out.push(c);
      todo.push(c);
    }
  }
  return out;
}

const signal = (pid: number, sig: NodeJS.Signals): void => {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
};

/** Describes how a shell ended, for PS_EXITED messages: "exited with code 3", "was ended by SIGKILL". */
export function describeExit(exitCode: number | null, signal: string | null): string {
  if (signal !== null) return `was ended by ${signal}`;
  return exitCode === null ? "exited (exit code unknown)" : `exited with code ${exitCode}`;
}

/** A running PowerShell session. Create with `PowerShellSession.start`; it is never reused after it dies. */
export class PowerShellSession {
  /** Commands run so far (the prelude not counted). */
  uses = 0;
  readonly startedAt = Date.now();
  /** Resolves when the prelude has run: ok, or why the session could not start. */
  readonly ready: Promise<InvokeOutcome>;
  private readonly shell: PowerShell;
  private readonly child: ChildProcess;
  private readonly out = new FrameReader();
  private readonly err = new FrameReader();
  private pending: Pending | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private ended: { exitCode: number | null; signal: string | null; missing: string | null } | null = null;
  private readonly closed: Promise<void>;

  private constructor(private readonly opts: SessionOptions) {
    // node-powershell prefers process.env.NODE_POWERSHELL over `executable`; the caller already resolved which
    // shell to run, so hide the variable for the (synchronous) spawn.
    const saved = process.env.NODE_POWERSHELL;
    delete process.env.NODE_POWERSHELL;
    try {
      this.shell = new PowerShell({
        executable: opts.executable,
        executableOptions: { "-NoProfile": true, "-NonInteractive": true, "-ExecutionPolicy": "Bypass" },
        throwOnInvocationError: false,
        spawnOptions: { cwd: opts.cwd, windowsHide: true, env: opts.env },
      });
    } finally {
      if (saved !== undefined) process.env.NODE_POWERSHELL = saved;
    }
    // The child process is private in node-powershell's typings; its exit code and signal are the facts we report.
    this.child = (this.shell as unknown as { process: ChildProcess }).process;
    // node-powershell's own exit promise rejects on a non-zero exit or a spawn error; nobody else listens to it,
    // and an unhandled rejection would take the whole agent down.
    (this.shell as unknown as { exitPromise: Promise<void> }).exitPromise.catch(() => undefined);
    this.shell.streams.stdin.on("error", () => undefined); // EPIPE after the shell died
    this.shell.streams.stdout.on("data", (c: string | Buffer) => this.onData(this.out, c));
    this.shell.streams.stderr.on("data", (c: string | Buffer) => this.onData(this.err, c));
    // node-powershell pipes stderr into a helper of its own at start and later unpipes it, which pauses the stream;
    // remove that pipe now so stderr keeps flowing to our reader.
    this.shell.streams.stderr.unpipe();
    this.shell.streams.stderr.resume();
    this.closed = new Promise<void>((resolve) => {
      this.child.once("error", (e: NodeJS.ErrnoException) => {
        if (this.ended === null) this.ended = { exitCode: null, signal: null, missing: e.code === "ENOENT" || e.code === "EACCES" ? `PowerShell could not be started (${e.code})` : null };
        this.settleEnded();
        resolve();
      });
      this.child.once("close", (code: number | null, signal: NodeJS.Signals | null) => {
        this.ended ??= { exitCode: code, signal, missing: null };
        this.settleEnded();
        resolve();
      });
    });
    this.ready = this.enqueue(opts.prelude.join("; "), opts.startTimeoutMs, false);
  }

  /** Spawns the shell and queues its prelude; `ready` says when it can take commands. */
  static start(opts: SessionOptions): PowerShellSession {
    return new PowerShellSession(opts);
  }

  /** False once the shell has exited or been told to end. */
  get alive(): boolean {
    return this.ended === null;
  }

  /** Runs one command line; commands queue behind each other. Never rejects. */
  invoke(command: string, timeoutMs: number): Promise<InvokeOutcome> {
    return this.enqueue(command, timeoutMs, true);
  }

  /**
   * Ends the shell and everything it started (stdin closed, SIGTERM, SIGKILL after 2 s) and waits until its pipes
   * have closed.
   */
  async dispose(): Promise<void> {
    if (this.ended === null) {
      this.ended = { exitCode: null, signal: "dispose", missing: null };
      this.settleEnded();
    }
    const pid = this.child.pid;
    if (pid === undefined) return;
    // Taken before the shell dies: afterwards its children are re-parented and no longer findable.
    const tree = [...descendantPids(pid), pid];
    this.shell.streams.stdin.end();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGTERM");
    for (const p of tree.slice(0, -1)) signal(p, "SIGTERM");
    const killer = setTimeout(() => {
      for (const p of tree) signal(p, "SIGKILL");
    }, 2_000);
    killer.unref();
    // Bounded: a process that survives SIGKILL (uninterruptible I/O) must not hang the agent's shutdown.
    let giveUp: NodeJS.Timeout | undefined;
    await Promise.race([this.closed, new Promise<void>((r) => (giveUp = setTimeout(r, 5_000)))]);
    clearTimeout(giveUp);
    clearTimeout(killer);
  }

  private enqueue(command: string, timeoutMs: number, counts: boolean): Promise<InvokeOutcome> {
    const next = this.queue.then(() => this.run(command, timeoutMs, counts));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private run(command: string, timeoutMs: number, counts: boolean): Promise<InvokeOutcome> {
    const started = Date.now();
    if (this.ended !== null) return Promise.resolve(this.endedOutcome(started, "", ""));
    if (counts) this.uses++;
    const frame = newFrame();
    return new Promise<InvokeOutcome>((resolve) => {
      const timer = setTimeout(() => {
        if (this.pending?.frame !== frame) return;
        this.pending = null;
        const partial = { stdout: this.out.take(), stderr: this.err.take() };
        // A command that overran is still running: end the session and report only once it is gone, so whoever
        // re-checks the system's state next sees what the command left, not what it is still doing.
        void this.dispose().then(() => resolve({ kind: "timeout", ...partial, durationMs: Date.now() - started }));
      }, timeoutMs);
      this.pending = { frame, started, timer, done: resolve };
      this.out.expect(frame);
      this.err.expect(frame);
      this.shell.streams.stdin.write(framedLines(command, frame).join(EOL) + EOL);
    });
  }

  private onData(reader: FrameReader, chunk: string | Buffer): void {
    reader.push(typeof chunk === "string" ? chunk : chunk.toString("utf8"));
    const p = this.pending;
    if (p === null || !this.out.complete || !this.err.complete) return;
    this.pending = null;
    clearTimeout(p.timer);
    p.done({ kind: "ok", stdout: this.out.take(), stderr: this.err.take(), durationMs: Date.now() - p.started });
  }

  /** The shell is gone: the command in flight (if any) learns how it ended. */
  private settleEnded(): void {
    const p = this.pending;
    if (p === null) return;
    this.pending = null;
    clearTimeout(p.timer);
    const stdout = this.out.take() || this.out.leftover();
    const stderr = this.err.take() || this.err.leftover();
    p.done(this.endedOutcome(p.started, stdout, stderr));
  }

  private endedOutcome(started: number, stdout: string, stderr: string): InvokeOutcome {
    const e = this.ended ?? { exitCode: null, signal: null, missing: null };
    const durationMs = Date.now() - started;
    if (e.missing !== null) return { kind: "missing", message: e.missing, durationMs };
    return { kind: "exited", exitCode: e.exitCode, signal: e.signal, stdout: stripAnsi(stdout), stderr: stripAnsi(stderr), durationMs };
  }
}
