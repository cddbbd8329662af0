/**
 * The Windows path trace under real pwsh through the agent's runner: scripts/Get-AgentPathTrace.ps1 runs the tool
 * from %SystemRoot%\System32 by its full path — here a real executable standing in for TRACERT.EXE / PATHPING.EXE
 * (test/ps/harness.ts) that logs its arguments and prints real tracert/pathping output — and the TS side parses the
 * lines it returns. Hostile targets: injection.test.ts; the script's failure paths: failures.test.ts.
 */
import { expect, it } from "vitest";
import { readTrace } from "../../src/report/path-trace.js";
import { runPathTraceWindows } from "../../src/support/path-trace-runner.js";
import { PATHPING, TRACERT } from "../report/trace-samples.js";
import { describePwsh, useStandInPc, type StandInPc } from "./harness.js";

describePwsh("Get-AgentPathTrace.ps1 under real pwsh", (pwsh) => {
  let pc: StandInPc;
  useStandInPc(pwsh, "agent-trace-", (made) => (pc = made));

  it("tracert: runs TRACERT.EXE -d by full path with the address as its own argument; the agent reads the hops", async () => {
    pc.reset();
    pc.setSystemTool("TRACERT.EXE", TRACERT.replace(/\n/g, "\r\n"));
    const r = await runPathTraceWindows(pc.runner, "10.17.11.132");
    expect(pc.systemToolCalls("TRACERT.EXE")).toEqual([["-d", "-h", "30", "-w", "1000", "10.17.11.132"]]);
    expect(pc.systemToolCalls("PATHPING.EXE")).toEqual([]);
    expect(r).toMatchObject({ target: "10.17.11.132", tool: "tracert", ok: true, message: "tracert to 10.17.11.132: 5 hops." });
    expect(readTrace(r.hops, "10.17.11.132")).toEqual({ kind: "harmless-loss", hops: [4], destinationHop: 5 });
  }, 120_000);

  it("pathping: PATHPING.EXE -n with hops, probes and wait as given; loss that carries to the destination is found", async () => {
    pc.reset();
    pc.setSystemTool("PATHPING.EXE", PATHPING);
    const r = await runPathTraceWindows(pc.runner, "10.54.1.196", { mode: "pathping", maxHops: 12, queries: 25, waitMs: 500 });
    expect(pc.systemToolCalls("PATHPING.EXE")).toEqual([["-n", "-h", "12", "-q", "25", "-w", "500", "10.54.1.196"]]);
    expect(r).toMatchObject({ tool: "pathping", ok: true });
    expect(readTrace(r.hops, "10.54.1.196")).toEqual({ kind: "loss-to-destination", fromHop: 2, fromIp: "192.168.52.1", lossPct: 13 });
  }, 120_000);

  it("an IPv6 address reaches the tool in its parsed form; the result file says what ran", async () => {
    pc.reset();
    pc.setSystemTool("TRACERT.EXE", "Tracing route to 2001:db8::1 over a maximum of 30 hops\r\n");
    const raw = await pc.run("Get-AgentPathTrace.ps1", { target: "2001:DB8:0:0::1" });
    expect(raw).toMatchObject({ status: "NoChange", data: { tool: "tracert", target: "2001:db8::1", command: "TRACERT.EXE -d -h 30 -w 1000 2001:db8::1", exitCode: 0 } });
    expect(pc.systemToolCalls("TRACERT.EXE")).toEqual([["-d", "-h", "30", "-w", "1000", "2001:db8::1"]]);
  }, 120_000);

  it("a tool that answers nothing and fails: no hops, said with its exit code, never a throw", async () => {
    pc.reset();
    pc.setSystemTool("TRACERT.EXE", "", 1);
    const r = await runPathTraceWindows(pc.runner, "192.0.2.1");
    expect(r).toEqual({ target: "192.0.2.1", tool: "tracert", ok: false, hops: [], message: "tracert gave no hops (exit code 1)." });
  }, 120_000);

  it("a host name or an address with tricks is refused before any tool runs", async () => {
    pc.reset();
    for (const target of ["example.com", "127.1", "10.0.0.1 -h 1", "fe80::1%eth0", "1.2.3.256"]) {
      const r = await pc.run("Get-AgentPathTrace.ps1", { target });
      expect(r.status, target).toBe("Failed");
      expect(r.error?.message).toBe(`Expected params.target to be an IPv4 or IPv6 address, got '${target}'`);
    }
    expect(pc.systemToolCalls("TRACERT.EXE")).toEqual([]);
    // The TS side refuses too, without even starting the script.
    expect(await runPathTraceWindows(pc.runner, "-f/etc/passwd")).toMatchObject({ ok: false, tool: null, message: "Not traced: the target is not an IP address." });
  }, 120_000);
});
