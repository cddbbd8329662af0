import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultDataDir, knownKeysAt, loadCatalog, loadConfig, nearest, parseConfig, tooDeep } from "../../src/config/load.js";
import { configSchema, isHostNameOrIp, KNOWN_FIX_IDS } from "../../src/config/schema.js";

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
    [{ targets: [{ id: "x", group: "bsg", url: "http://a" }] }, 'key targets[0].url: expected "https://host[:port]/path" or "tcp://host:port" (port 1–65535, no user:password@), found "http://a"'],
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

const problem = (input: unknown): string => {
  const r = parse(input);
  if (r.ok) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  return r.message;
};

describe("every value checked at load (issue 8 §4)", () => {
  it("fixes.policy keys must be known fix ids; a typo gets a did-you-mean", () => {
    expect(problem({ fixes: { policy: { "swtich-dns": "auto" } } })).toContain('key fixes.policy.swtich-dns: unknown fix id "swtich-dns" (did you mean "switch-dns"?)');
    expect(problem({ fixes: { policy: { "format-c": "auto" } } })).toMatch(/unknown fix id "format-c" \(expected one of "flush-dns",/);
    expect(parse({ fixes: { policy: Object.fromEntries(KNOWN_FIX_IDS.map((id) => [id, "ask"])) } }).ok).toBe(true);
  });

  it.each(["-f", "-fi0.001", "--flood", "a b", "host;rm -rf /", "$(reboot)", "x".repeat(300), "ex_ample.com", ".", "a..b"])("gateway.host %j is refused (it could reach ping as an option)", (host) => {
    expect(problem({ gateway: { host } })).toMatch(/key gateway\.host: expected an IP address or a host name/);
  });

  it.each(["192.168.1.1", "10.0.0.138", "fe80::1", "router.lan", "fritz.box", "my-router", "gw1.example.com."])("gateway.host %j is accepted", (host) => {
    expect(isHostNameOrIp(host)).toBe(true);
    expect(parse({ gateway: { host } }).ok).toBe(true);
  });

  it("gateway.ports: at most a handful, 1–65535, no repeats", () => {
    expect(problem({ gateway: { host: "192.168.1.1", ports: Array.from({ length: 9 }, (_, i) => i + 1) } })).toContain("key gateway.ports: expected a list with at most 8 items");
    expect(problem({ gateway: { host: "192.168.1.1", ports: [0] } })).toContain("key gateway.ports[0]: expected a number of at least 1, found 0");
    expect(problem({ gateway: { host: "192.168.1.1", ports: [65536] } })).toContain("key gateway.ports[0]: expected a number of at most 65535, found 65536");
    expect(problem({ gateway: { host: "192.168.1.1", ports: [80, 80] } })).toContain("ports without repeats");
  });

  it("target ports are 1–65535 and URLs carry no user:password@", () => {
    expect(problem({ targets: [{ id: "a", group: "bsg", url: "tcp://h.example:0" }] })).toContain("key targets[0].url");
    expect(problem({ targets: [{ id: "a", group: "bsg", url: "tcp://h.example:70000" }] })).toContain("key targets[0].url");
    expect(problem({ targets: [{ id: "a", group: "bsg", url: "https://tok:secret@gw.escapefromtarkov.com/" }] })).toContain("no user:password@");
    expect(problem({ statusApi: "https://user:pw@status.escapefromtarkov.com/api" })).toContain("key statusApi: expected an http(s) URL without user:password@");
  });

  it("targets are capped", () => {
    const many = Array.from({ length: 101 }, (_, i) => ({ id: `t${i}`, group: "bsg", url: `tcp://127.0.0.1:${1000 + i}` }));
    expect(problem({ targets: many })).toContain("key targets: expected a list with at most 100 items");
  });

  it("paths and texts: no control characters, bounded length", () => {
    expect(problem({ game: { installDir: "C:\\Games\u0000EFT" } })).toContain("key game.installDir");
    expect(problem({ game: { logsDir: "a\nb" } })).toContain("key game.logsDir: expected text without control characters");
    expect(problem({ tls: { extraCaFile: "x".repeat(5000) } })).toContain("key tls.extraCaFile: expected a text of at most 1024 characters");
  });

  it("a deeply nested value is exit-2 material, not a RangeError", () => {
    const deep = `{"targets":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    const r = parseConfig(deep, "config file deep.json");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/key targets\[0\]\[0\]\[0\]…: expected a value nested at most 32 levels deep/);
    expect(tooDeep({ a: [[{}]] }, 32)).toBeNull();
  });

  it("names the line and column of the problem, and suggests the nearest key for a typo", () => {
    const text = ['{', '  "probe": {', '    "timoutMs": 100', '  },', '  "monitor": { "intervalMs": "fast" }', "}"].join("\n");
    const r = parseConfig(text, "config file c.json");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toContain('line 3, column 5: key probe: unknown key "timoutMs" (did you mean "timeoutMs"?)');
    expect(r.message).toContain('line 5, column 16: key monitor.intervalMs: expected a number, found "fast"');
    expect(problem({ notifcations: { enabled: false } })).toContain('unknown key "notifcations" (did you mean "notifications"?)');
    expect(problem({ fixes: { policy: { "flush-dns": "auot" } } })).toContain('(did you mean "auto"?)');
  });

  it("a JSON syntax error names its line and column", () => {
    const r = parseConfig('{\n  "probe": { "timeoutMs": 100 },,\n}', "config file c.json");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/is not valid JSON: line 2, column 33: a key in "double quotes" was expected/);
  });

  it("knows the keys of every object in the schema (for suggestions)", () => {
    expect(knownKeysAt(configSchema, [])).toContain("notifications");
    expect(knownKeysAt(configSchema, ["gateway"])).toEqual(["host", "ports"]);
    expect(knownKeysAt(configSchema, ["targets", 3])).toEqual(["id", "group", "url"]);
    expect(nearest("timout", ["timeoutMs", "concurrency"])).toBe("timeoutMs");
    expect(nearest("zzzzzz", ["timeoutMs", "concurrency"])).toBeNull();
  });
});

describe("loading the file", () => {
  const dir = mkdtempSync(join(tmpdir(), "tca-config-"));
  const write = (name: string, text: string | Buffer) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it("an empty path is an error, not the defaults", () => {
    expect(loadConfig("")).toMatchObject({ ok: false, code: "CONFIG_UNREADABLE" });
    expect(loadConfig(undefined).ok).toBe(true);
  });

  it.each([
    ["missing", () => join(dir, "nope.json"), /does not exist/],
    ["a folder", () => dir, /is a folder; expected a JSON file/],
    ["huge", () => write("huge.json", Buffer.alloc(2 * 1024 * 1024, 0x20)), /KB; a config is a few KB/],
  ])("a config file that is %s is a clear CONFIG_UNREADABLE", (_n, path, message) => {
    const r = loadConfig(path());
    expect(r).toMatchObject({ ok: false, code: "CONFIG_UNREADABLE" });
    if (!r.ok) expect(r.message).toMatch(message);
  });

  it("tls.extraCaFile must exist and hold PEM certificates", () => {
    const cfg = (ca: string) => write(`ca-${Math.random()}.json`, JSON.stringify({ tls: { extraCaFile: ca } }, null, 2));
    const missing = loadConfig(cfg(join(dir, "no-such-ca.pem")));
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.message).toMatch(/line 3, column 5: key tls.extraCaFile: expected a PEM certificate file, but .* does not exist/);
    const notPem = loadConfig(cfg(write("not.pem", "hello")));
    if (!notPem.ok) expect(notPem.message).toMatch(/found none in/);
    else throw new Error("a non-PEM CA file was accepted");
    const badPem = loadConfig(cfg(write("bad.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")));
    if (!badPem.ok) expect(badPem.message).toMatch(/certificate 1 in .* does not parse/);
    else throw new Error("an unparsable PEM was accepted");
  });
});

describe("prototype keys", () => {
  it("a __proto__ key anywhere is refused (a copy of the value would silently drop it)", () => {
    const r = parseConfig('{"fixes": {"policy": {"__proto__": "auto"}}}', "config file c.json");
    expect(r).toMatchObject({ ok: false, message: expect.stringContaining('line 1, column 23: key fixes.policy: unknown key "__proto__"') });
    expect(parseConfig('{"__proto__": {"polluted": 1}}', "c").ok).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
