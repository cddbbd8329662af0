/** Status API: health modes and junk, read for real through the world's resolver and CA. */
import { createServer } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { interpretStatus, probeStatusApi } from "../../src/probes/index.js";
import { startWorld, type StatusMode, type World } from "../world/index.js";
import { contextFor } from "./helpers.js";

let world: World;
beforeAll(async () => {
  world = await startWorld({ targets: [{ id: "x", group: "control" }] });
});
afterAll(async () => {
  await world?.close();
});

const read = () => probeStatusApi(world.config.statusApi, contextFor(world, 500));

describe("health modes", () => {
  it.each([
    ["ok", 0],
    ["updating", 1],
    ["unstable", 2],
    ["down", 3],
  ] as const)("%s → global status %i", async (mode, code) => {
    world.setStatus(mode);
    const r = await read();
    expect(r).toMatchObject({ state: mode, globalStatus: code, error: null });
    expect(r.services.length).toBeGreaterThan(3);
    expect(r.services[0]).toEqual({ name: "Trading", status: code }); // unknown fields kept out
    expect(r.ms).toBeGreaterThanOrEqual(0);
  });

  it("blanks 'Access denied' but keeps the valid status", async () => {
    world.setStatus("access-denied");
    expect(await read()).toMatchObject({ state: "ok", globalStatus: 0, message: null, error: null });
  });

  it("Trading at status 1 means updating even when the global flag says ok", async () => {
    world.setStatus("ok", { services: [{ name: "Trading", status: 1 }, { name: "Matchmaking", status: 0 }] });
    try {
      expect((await read()).state).toBe("updating");
    } finally {
      world.setStatus("ok", { services: null });
    }
  });

  it("orders open incidents first and keeps the global message", async () => {
    world.setStatus("unstable", {
      message: "Matching issues in EU",
      messages: [
        { time: "2025-01-01T10:00:00Z", type: 0, content: "old, solved", solveTime: "2025-01-01T11:00:00Z" },
        { time: "2025-01-02T10:00:00Z", type: 2, content: "open incident", solveTime: null },
      ],
    });
    try {
      const r = await read();
      expect(r.message).toBe("Matching issues in EU");
      expect(r.messages.map((m) => m.content)).toEqual(["open incident", "old, solved"]);
      expect(r.messages[0]).toEqual({ time: "2025-01-02T10:00:00Z", type: 2, content: "open incident", solveTime: null });
    } finally {
      world.setStatus("ok", { message: "", messages: [] });
    }
  });
});

describe("junk → unknown with a reason, never a throw", () => {
  it.each([
    ["html", /HTML instead of JSON/],
    ["bad-json", /not valid JSON/],
    ["wrong-shape", /expected \{"status"/],
    ["5xx", /HTTP 502/],
    ["slow", /HTTP_TIMEOUT/],
  ] as [StatusMode, RegExp][])("%s", async (mode, why) => {
    world.setStatus(mode);
    try {
      const t0 = Date.now();
      const r = await read();
      expect(r.state).toBe("unknown");
      expect(r.error).toMatch(why);
      expect(Date.now() - t0).toBeLessThan(3000);
    } finally {
      world.setStatus("ok");
    }
  });

  it("an unresolvable status host", async () => {
    world.setDns("status", "nxdomain", "system");
    try {
      expect(await read()).toMatchObject({ state: "unknown", error: expect.stringContaining("DNS_NXDOMAIN") });
    } finally {
      world.setDns("status", null);
    }
  });

  it("a status host with an untrusted certificate is not believed", async () => {
    const ctx = { ...contextFor(world, 500), secureContext: (await import("node:tls")).createSecureContext({}) };
    const r = await probeStatusApi(world.config.statusApi, ctx);
    expect(r).toMatchObject({ state: "unknown", error: expect.stringContaining("TLS_UNTRUSTED") });
  });

  it("null base URL → disabled", async () => {
    expect(await probeStatusApi(null, contextFor(world))).toMatchObject({ state: "disabled", error: null, ms: null });
  });

  it("plain http:// base URLs work (tests, proxies)", async () => {
    const server = createServer((req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(req.url === "/api/global/status" ? '{"status":3,"message":"down for all"}' : "[]");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    try {
      const port = (server.address() as { port: number }).port;
      const r = await probeStatusApi(`http://127.0.0.1:${port}/api/`, contextFor(world));
      expect(r).toMatchObject({ state: "down", globalStatus: 3, message: "down for all", services: [], messages: [], error: null });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe("interpretStatus (pure)", () => {
  const ok = (value: unknown) => ({ ok: true as const, value });
  const no = (message: string) => ({ ok: false as const, code: "JUNK", message });
  it("status out of range", () => expect(interpretStatus(ok({ status: 7 }), ok([]), ok([]))).toMatchObject({ state: "unknown", error: expect.stringContaining("not one of 0–3") }));
  it("global unreadable but Trading updating", () => expect(interpretStatus(no("global/status: HTTP 500"), ok([{ name: "Trading", status: 1 }]), ok([]))).toMatchObject({ state: "updating", globalStatus: null }));
  it("sub-endpoint junk keeps the global state and says why", () =>
    expect(interpretStatus(ok({ status: 2, message: "" }), ok({ not: "a list" }), ok([{ nope: 1 }, { content: "x" }]))).toMatchObject({
      state: "unstable",
      services: [],
      messages: [{ content: "x", time: null, type: null, solveTime: null }],
      error: "services: expected a list",
    }));
});
