// Runs the BUILT agent headless with --events json, as a script or a player would, and collects its events with
// the moment each line arrived on our end of the pipe.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { CLI } from "./paths.mjs";

export class AgentProcess {
  events = [];
  stderrTail = "";
  stderrHead = "";
  exited = null;
  #waiters = new Set();

  constructor(configFile, label) {
    this.label = label;
    this.dataDir = mkdtempSync(join(tmpdir(), `tarkov-bench-${label}-`));
    this.child = spawn(process.execPath, [CLI, "run", "--headless", "--events", "json", "--config", configFile, "--data-dir", this.dataDir], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.pid = this.child.pid;
    let buf = "";
    this.child.stdout.setEncoding("utf8");
    this.child.stdout.on("data", (chunk) => {
      const at = performance.now();
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line === "") continue;
        let e;
        try {
          e = JSON.parse(line);
        } catch {
          e = { event: "unparsed", line };
        }
        this.events.push({ at, e });
        for (const w of this.#waiters) w();
      }
    });
    this.child.stderr.setEncoding("utf8");
    this.child.stderr.on("data", (d) => {
      this.stderrTail = (this.stderrTail + d).slice(-4_000);
      if (this.stderrHead.length < 1_000) this.stderrHead = (this.stderrHead + d).slice(0, 1_000);
    });
    this.child.on("exit", (code, signal) => {
      this.exited = { code, signal };
      for (const w of this.#waiters) w();
    });
  }

  /** Resolves with the first event at index ≥ `from` that matches, or null after `timeoutMs` / if the agent exits. */
  waitFor(pred, from, timeoutMs) {
    return new Promise((resolve) => {
      const check = () => {
        for (let i = from; i < this.events.length; i++) {
          if (pred(this.events[i].e)) return finish({ ...this.events[i], index: i });
        }
        if (this.exited) finish(null);
      };
      const finish = (v) => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(v);
      };
      const timer = setTimeout(() => finish(null), timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }

  /** SIGTERM (the agent's own clean shutdown), SIGKILL after 5 s; removes its data dir. */
  async stop() {
    if (!this.exited) {
      const gone = new Promise((resolve) => this.child.once("exit", resolve));
      this.child.kill("SIGTERM");
      const t = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
      await gone;
      clearTimeout(t);
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
