import { describe, expect, it } from "vitest";
import { defaultDataDir, loadCatalog, parseConfig } from "../../src/config/load.js";

const parse = (json: unknown) => parseConfig(typeof json === "string" ? json : JSON.stringify(json), "config file c.json");

describe("config", () => {
  it("uses built-in defaults and the shipped catalogue when there is no file", () => {
    const r = parseConfig(null, "defaults");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.statusApi).toBe("https://status.escapefromtarkov.com/api");
    expect(r.value.dns.public).toEqual(["1.1.1.1", "8.8.8.8"]);
    expect(r.value.targets.some((t) => t.group === "bsg")).toBe(true);
    expect(r.value.targets.some((t) => t.group === "control")).toBe(true);
    expect(r.value.monitor.intervalMs).toBe(15_000);
  });

  it("ships a catalogue where every host has provenance", () => {
    expect(loadCatalog().length).toBeGreaterThanOrEqual(5);
  });

  it.each([
    [{ probe: { timeoutMs: "fast" } }, 'key probe.timeoutMs: expected a number, found "fast"'],
    [{ probe: { timeoutMs: 1.5 } }, "key probe.timeoutMs: expected a whole number, found 1.5"],
    [{ probe: { timout: 100 } }, 'key probe: unknown key "timout"'],
    [{ colour: "red" }, 'key (top level): unknown key "colour"'],
    [{ targets: [{ id: "x", group: "bsg", url: "http://a" }] }, 'key targets[0].url: expected "https://host[:port]/path" or "tcp://host:port", found "http://a"'],
    [{ targets: [{ id: "x", group: "isp", url: "tcp://a:1" }] }, 'key targets[0].group: expected one of "bsg", "control", found "isp"'],
    [{ dns: { system: ["not-an-ip"] } }, 'key dns.system[0]: expected an IP address, optionally with ":port"'],
    [{ gateway: "router" }, 'key gateway: expected "auto" or { "host"'],
    [{ statusApi: "ftp://x" }, 'key statusApi: expected an http(s) URL, found "ftp://x"'],
    [{ fixes: { policy: { "switch-dns": "always" } } }, 'key fixes.policy.switch-dns: expected one of "auto", "ask", "never", found "always"'],
    ["{ not json", "is not valid JSON"],
    [[], "key (top level): expected an object, found []"],
  ])("rejects %j naming the key, the expected and the found value", (input, message) => {
    const r = parse(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(message);
  });

  it("accepts a simulated world's config (resolver ports, tcp targets, explicit gateway, null status API)", () => {
    const r = parse({
      targets: [{ id: "bsg-a", group: "bsg", url: "https://a.tarkov.test:8443/x" }, { id: "ctl", group: "control", url: "tcp://127.0.0.9:80" }],
      statusApi: null,
      dns: { system: ["127.0.0.53:5353"], public: ["127.0.0.54:5353", "[::1]:53"] },
      gateway: { host: "127.0.0.1", ports: [9] },
      probe: { timeoutMs: 500, deadlineMs: 1500 },
    });
    expect(r.ok).toBe(true);
  });

  it("accepts a UTF-8 BOM (Notepad)", () => {
    expect(parseConfig("\uFEFF{}", "c.json").ok).toBe(true);
  });

  it.each([
    ["win32", { LOCALAPPDATA: "C:\\Users\\p\\AppData\\Local" }, "tarkov-connection-agent"],
    ["linux", { XDG_STATE_HOME: "/x/state" }, "/x/state/tarkov-connection-agent"],
    ["linux", { HOME: "/home/p" }, "/home/p/.local/state/tarkov-connection-agent"],
  ] as const)("puts the data dir in the per-OS place (%s)", (platform, env, expected) => {
    expect(defaultDataDir(env, platform)).toContain(expected);
  });
});
