import { createServer, Socket, type AddressInfo, type Server } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createTcpLiveness, livenessCode } from "../../src/agent/liveness.js";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen(): Promise<{ port: number; accepted: () => number; closedByClient: () => number }> {
  let accepted = 0;
  let closedByClient = 0;
  const s = createServer((sock) => {
    accepted++;
    sock.on("end", () => closedByClient++);
    sock.on("error", () => undefined);
    sock.resume();
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return { port: (s.address() as AddressInfo).port, accepted: () => accepted, closedByClient: () => closedByClient };
}

describe("tcp liveness", () => {
  it("connects to the given address and closes at once", async () => {
    const srv = await listen();
    const r = await createTcpLiveness().check({ targetId: "bsg-prod", address: "127.0.0.1", port: srv.port }, 2_000);
    expect(r).toMatchObject({ ok: true, targetId: "bsg-prod" });
    // Waited for, not slept on: after a 50 ms timer the loop runs timers before it polls the sockets, so a process
    // descheduled for longer (a loaded CI machine) checked before the server had seen the client's end.
    await vi.waitFor(() => expect(srv.closedByClient()).toBe(1), { timeout: 10_000, interval: 20 });
    expect(srv.accepted()).toBe(1);
  });

  it("a closed port is TCP_REFUSED", async () => {
    const srv = await listen();
    await new Promise((r) => servers.pop()?.close(r));
    const r = await createTcpLiveness().check({ targetId: "x", address: "127.0.0.1", port: srv.port }, 2_000);
    expect(r).toMatchObject({ ok: false, code: "TCP_REFUSED" });
  });

  it("a connect that never completes is TCP_TIMEOUT", async () => {
    const hanging = () => new Socket(); // never connects, never errors
    const r = await createTcpLiveness({ connectFn: hanging }).check({ targetId: "x", address: "192.0.2.1", port: 443 }, 50);
    expect(r).toMatchObject({ ok: false, code: "TCP_TIMEOUT" });
  });

  it("a throwing connect is the probe's problem, not an outage", async () => {
    const r = await createTcpLiveness({ connectFn: () => { throw new Error("boom"); } }).check({ targetId: "x", address: "::1", port: 1 }, 50);
    expect(r).toMatchObject({ ok: false, code: "PROBE_BROKEN" });
  });

  it.each([
    ["ECONNREFUSED", "TCP_REFUSED"],
    ["ECONNRESET", "TCP_RESET"],
    ["ENETUNREACH", "NET_UNREACHABLE"],
    ["EWHATEVER", "PROBE_BROKEN"],
  ])("%s → %s", (errno, code) => {
    expect(livenessCode(Object.assign(new Error(errno), { code: errno }))).toBe(code);
  });
});
