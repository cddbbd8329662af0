// Path traces: the tools' real output, parsed, and read with "loss matters only when it carries to the destination".
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parsePathping, parseTraceroute, parseTracert, readTrace } from "../../src/report/path-trace.js";
import { runPathTrace } from "../../src/support/path-trace-runner.js";
import { PATHPING, TRACERT } from "./trace-samples.js";

describe("path trace parsing and reading", () => {
  it("pathping: loss that starts at hop 2 and carries to the destination is where the path loses traffic", () => {
    const hops = parsePathping(PATHPING);
    expect(hops.map((h) => [h.n, h.ip, h.loss, h.rtt])).toEqual([
      [1, "172.16.87.218", 0, 41],
      [2, "192.168.52.1", 16, 22],
      [3, "192.168.80.1", 13, 24],
      [4, "10.54.247.14", 14, 21],
      [5, "10.54.1.196", 13, 24],
    ]);
    expect(readTrace(hops, "10.54.1.196")).toEqual({ kind: "loss-to-destination", fromHop: 2, fromIp: "192.168.52.1", lossPct: 13 });
  });

  it("tracert: a silent middle hop with the destination answering is not a fault", () => {
    const hops = parseTracert(TRACERT);
    expect(hops.map((h) => [h.n, h.ip, h.loss])).toEqual([
      [1, "10.1.11.1", 0],
      [2, "192.168.11.0", 0],
      [3, "192.168.11.18", 0],
      [4, null, 100],
      [5, "10.17.11.132", 0],
    ]);
    expect(readTrace(hops, "10.17.11.132")).toEqual({ kind: "harmless-loss", hops: [4], destinationHop: 5 });
    expect(readTrace(hops.slice(0, 4), "10.17.11.132")).toEqual({ kind: "stops", lastHop: 3, lastIp: "192.168.11.18" });
  });

  it("traceroute on this machine (the real tool, to loopback) parses and reads as clean", async () => {
    let has = true;
    try {
      execFileSync("traceroute", ["--version"], { stdio: "ignore" });
    } catch (e) {
      has = (e as NodeJS.ErrnoException).code !== "ENOENT";
    }
    if (!has && process.env.CI === "true") throw new Error("traceroute missing: .ci/run installs it");
    const r = await runPathTrace("127.0.0.1", { maxHops: 3, timeoutMs: 20_000 });
    if (!has) {
      expect(r).toMatchObject({ ok: false, tool: null });
      expect(r.message).toMatch(/No path-trace tool/);
      return;
    }
    expect(r.tool).toBe("traceroute");
    expect(r.hops[0]).toMatchObject({ n: 1, ip: "127.0.0.1", loss: 0 });
    expect(readTrace(r.hops, "127.0.0.1")).toEqual({ kind: "clean", destinationHop: 1 });
    expect(parseTraceroute(" 1  192.0.2.1  1.0 ms  * 2.0 ms\n 2  * * *\n")).toEqual([
      { n: 1, ip: "192.0.2.1", loss: 33, rtt: 1.5 },
      { n: 2, ip: null, loss: 100, rtt: null },
    ]);
  });

  it("only an IP literal is ever traced (a log-supplied name cannot become an option)", async () => {
    expect(await runPathTrace("-f/etc/passwd")).toMatchObject({ ok: false, tool: null, message: "Not traced: the target is not an IP address." });
  });
});
