/**
 * Config fuzz (issue 8 §5): hostile and clumsy config files through the BUILT CLI. Every case states what it
 * expects: an invalid file is exit 2 with the offending key named (and, for `diagnose --json`, a JSON error object
 * on stdout); a valid one is accepted. Never a stack trace, never a RangeError, never a value reaching `ping`.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assertClean, cli, pool, type Run } from "./helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "tca-config-fuzz-"));
const dataDir = join(dir, "data");
mkdirSync(join(dir, "a-folder"));
writeFileSync(join(dir, "not-a-cert.pem"), "hello, I am not a certificate\n");
writeFileSync(join(dir, "bad-cert.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");

interface Case {
  name: string;
  /** A value (written as JSON) or raw file text. */
  file: unknown;
  raw?: boolean;
  /** Accepted (exit 0), or rejected (exit 2) with this in the message. */
  expect: "valid" | RegExp;
  /** JSON error code for `diagnose --json` (default CONFIG_INVALID). */
  code?: string;
}

const wrongTypes: [string, unknown, RegExp][] = [
  ["targets", "catalog", /key targets: expected an array/],
  ["targets", [], /key targets: expected a list with at least 1/],
  ["targets", [null], /key targets\[0\]: expected an object/],
  ["targets", [{}], /key targets\[0\]\.id/],
  ["targets", [{ id: "UPPER", group: "bsg", url: "tcp://127.0.0.1:1" }], /key targets\[0\]\.id: expected lower-case/],
  ["targets", [{ id: "a", group: "bsg", url: "javascript:alert(1)" }], /key targets\[0\]\.url/],
  ["targets", [{ id: "a", group: "bsg", url: "https://tok:pw@gw.escapefromtarkov.com/" }], /no user:password@/],
  ["targets", [{ id: "a", group: "bsg", url: "tcp://127.0.0.1:0" }], /key targets\[0\]\.url/],
  ["targets", [{ id: "a", group: "bsg", url: "tcp://127.0.0.1:65536" }], /key targets\[0\]\.url/],
  ["targets", [{ id: "a", group: "bsg", url: "tcp://127.0.0.1:1" }, { id: "a", group: "bsg", url: "tcp://127.0.0.1:2" }], /unique target ids/],
  ["targets", Array.from({ length: 101 }, (_, i) => ({ id: `t${i}`, group: "bsg", url: `tcp://127.0.0.1:${i + 1}` })), /at most 100 items/],
  ["statusApi", 1, /key statusApi/],
  ["statusApi", "ftp://status.escapefromtarkov.com/", /key statusApi: expected an http\(s\) URL/],
  ["statusApi", "https://user:pw@status.escapefromtarkov.com/api", /without user:password@/],
  ["statusApi", `https://${"a".repeat(3000)}.com/`, /key statusApi/],
  ["dns", "os", /key dns: expected an object/],
  ["dns", { system: "8.8.8.8" }, /key dns\.system/],
  ["dns", { system: [] }, /key dns\.system/],
  ["dns", { system: ["1.1.1.1:99999"] }, /key dns\.system/],
  ["dns", { public: ["not-an-ip"] }, /key dns\.public\[0\]/],
  ["dns", { public: Array.from({ length: 9 }, () => "1.1.1.1") }, /key dns\.public: expected a list with at most 8/],
  ["tls", { extraCaFile: 1 }, /key tls\.extraCaFile/],
  ["tls", { extraCaFile: "" }, /key tls\.extraCaFile/],
  ["tls", { extraCaFile: join(dir, "no-such.pem") }, /key tls\.extraCaFile: expected a PEM certificate file, but .* does not exist/],
  ["tls", { extraCaFile: join(dir, "a-folder") }, /key tls\.extraCaFile: expected a PEM certificate file, found a folder/],
  ["tls", { extraCaFile: join(dir, "not-a-cert.pem") }, /key tls\.extraCaFile: expected PEM certificates/],
  ["tls", { extraCaFile: join(dir, "bad-cert.pem") }, /key tls\.extraCaFile: certificate 1 .* does not parse/],
  ["gateway", "-f", /key gateway: expected "auto" or/],
  ["gateway", { host: "-f" }, /key gateway\.host: expected an IP address or a host name/],
  ["gateway", { host: "-fi0.001" }, /key gateway\.host/],
  ["gateway", { host: "--flood" }, /key gateway\.host/],
  ["gateway", { host: "" }, /key gateway\.host/],
  ["gateway", { host: "a b" }, /key gateway\.host/],
  ["gateway", { host: "192.168.1.1; reboot" }, /key gateway\.host/],
  ["gateway", { host: "192.168.1.1", ports: [] }, /key gateway\.ports: expected a list with at least 1/],
  ["gateway", { host: "192.168.1.1", ports: Array.from({ length: 9 }, (_, i) => i + 1) }, /key gateway\.ports: expected a list with at most 8/],
  ["gateway", { host: "192.168.1.1", ports: [0] }, /key gateway\.ports\[0\]: expected a number of at least 1/],
  ["gateway", { host: "192.168.1.1", ports: [65536] }, /key gateway\.ports\[0\]: expected a number of at most 65535/],
  ["gateway", { host: "192.168.1.1", ports: [1.5] }, /key gateway\.ports\[0\]: expected a whole number/],
  ["gateway", { host: "192.168.1.1", ports: ["80"] }, /key gateway\.ports\[0\]/],
  ["gateway", { host: "192.168.1.1", extra: 1 }, /unknown key "extra"/],
  ["probe", { timeoutMs: -1 }, /key probe\.timeoutMs: expected a number of at least 100/],
  ["probe", { timeoutMs: 1e12 }, /key probe\.timeoutMs: expected a number of at most/],
  ["probe", { timeoutMs: "4000" }, /key probe\.timeoutMs: expected a number, found "4000"/],
  ["probe", { timeoutMs: null }, /key probe\.timeoutMs/],
  ["probe", { concurrency: 0 }, /key probe\.concurrency/],
  ["probe", { deadlineMs: 1e300 }, /key probe\.deadlineMs/],
  ["probe", { timout: 100 }, /unknown key "timout" \(did you mean "timeoutMs"\?\)/],
  ["monitor", { intervalMs: 1 }, /key monitor\.intervalMs/],
  ["monitor", { failureThreshold: 0 }, /key monitor\.failureThreshold/],
  ["monitor", { reminderMinutes: 5 }, /key monitor\.reminderMinutes/],
  ["monitor", { statusPollMs: true }, /key monitor\.statusPollMs/],
  ["game", { installDir: "" }, /key game\.installDir/],
  ["game", { installDir: "C:\\Games\u0000EFT" }, /key game\.installDir/],
  ["game", { logsDir: 5 }, /key game\.logsDir/],
  ["game", { logsDir: "line\nbreak" }, /key game\.logsDir: expected text without control characters/],
  ["notifications", { enabled: "yes" }, /key notifications\.enabled/],
  ["fixes", { policy: { "swtich-dns": "auto" } }, /unknown fix id "swtich-dns" \(did you mean "switch-dns"\?\)/],
  ["fixes", { policy: { "format-c": "auto" } }, /unknown fix id "format-c"/],
  ["fixes", { policy: { "flush-dns": "always" } }, /key fixes\.policy\.flush-dns: expected one of "auto", "ask", "never"/],
  ["fixes", { policy: { "flush-dns": "auot" } }, /did you mean "auto"/],
  ["fixes", { policy: [] }, /key fixes\.policy/],
  ["fixes", { dailyCap: 101 }, /key fixes\.dailyCap/],
  ["fixes", { verifyWindowMs: 0 }, /key fixes\.verifyWindowMs/],
];

const cases: Case[] = [
  // JSON syntax and shape
  { name: "empty file", file: "", raw: true, expect: /is not valid JSON/, code: "CONFIG_NOT_JSON" },
  { name: "only {", file: "{", raw: true, expect: /is not valid JSON: line 1, column 2/, code: "CONFIG_NOT_JSON" },
  { name: "trailing comma", file: '{\n  "probe": { "timeoutMs": 500, }\n}', raw: true, expect: /is not valid JSON: line 2/, code: "CONFIG_NOT_JSON" },
  { name: "single quotes", file: "{'probe': {}}", raw: true, expect: /is not valid JSON/, code: "CONFIG_NOT_JSON" },
  { name: "a comment", file: '// my settings\n{"probe":{}}', raw: true, expect: /is not valid JSON: line 1, column 1: comments are not allowed in JSON/, code: "CONFIG_NOT_JSON" },
  { name: "missing colon", file: '{"probe" {}}', raw: true, expect: /is not valid JSON: line 1, column 10: a colon was expected/, code: "CONFIG_NOT_JSON" },
  { name: "NUL bytes", file: "\u0000\u0000\u0000", raw: true, expect: /is not valid JSON/, code: "CONFIG_NOT_JSON" },
  { name: "binary garbage", file: "\u00ff\u00fe\u0001\u0002{[", raw: true, expect: /is not valid JSON/, code: "CONFIG_NOT_JSON" },
  { name: "null", file: "null", raw: true, expect: /key \(top level\): expected an object/ },
  { name: "a number", file: "42", raw: true, expect: /key \(top level\): expected an object/ },
  { name: "a string", file: '"hello"', raw: true, expect: /key \(top level\): expected an object/ },
  { name: "an array", file: "[]", raw: true, expect: /key \(top level\): expected an object/ },
  { name: "nested 100,000 deep", file: `{"targets":${"[".repeat(100_000)}${"]".repeat(100_000)}}`, raw: true, expect: /nested at most 32 levels deep/ },
  { name: "objects nested 5,000 deep", file: `{"probe":${'{"a":'.repeat(5_000)}1${"}".repeat(5_000)}}`, raw: true, expect: /nested at most 32 levels deep/ },
  { name: "a 2 MB file", file: `{"x":"${"a".repeat(2 * 1024 * 1024)}"}`, raw: true, expect: /KB; a config is a few KB/, code: "CONFIG_UNREADABLE" },
  { name: "a 500 KB string value", file: { statusApi: `https://${"a".repeat(500_000)}.com/` }, expect: /key statusApi/ },
  { name: "unknown top-level key", file: { colour: "red" }, expect: /unknown key "colour"/ },
  { name: "key typo with the wrong case", file: { Targets: [] }, expect: /unknown key "Targets" \(did you mean "targets"\?\)/ },
  { name: "misspelt section", file: { notifcations: { enabled: false } }, expect: /did you mean "notifications"\?/ },
  { name: "__proto__ at the top", file: '{"__proto__": {"polluted": true}}', raw: true, expect: /unknown key "__proto__"/ },
  { name: "__proto__ as a fix id", file: '{"fixes": {"policy": {"__proto__": "auto"}}}', raw: true, expect: /line 1, column 23: key fixes\.policy: unknown key "__proto__"/ },
  { name: "constructor as a fix id", file: { fixes: { policy: { constructor: "auto" } } }, expect: /unknown fix id "constructor"/ },
  { name: "duplicate keys, the last one wrong", file: '{"probe":{"timeoutMs":500},"probe":{"timeoutMs":"x"}}', raw: true, expect: /key probe\.timeoutMs: expected a number/ },
  ...wrongTypes.map(([key, value, expect]): Case => ({ name: `${key} = ${JSON.stringify(value).slice(0, 60)}`, file: { [key]: value }, expect })),
  // Valid files must stay valid.
  { name: "valid: empty object", file: {}, expect: "valid" },
  { name: "valid: BOM + empty object", file: "\uFEFF{}", raw: true, expect: "valid" },
  { name: "valid: explicit gateway with a host name", file: { gateway: { host: "router.lan", ports: [53, 80] } }, expect: "valid" },
  { name: "valid: IPv6 gateway", file: { gateway: { host: "fe80::1", ports: [53] } }, expect: "valid" },
  { name: "valid: every fix id with a policy", file: { fixes: { policy: { "flush-dns": "auto", "switch-dns": "ask", "reset-network-stack": "never" } } }, expect: "valid" },
  { name: "valid: tcp and https targets", file: { targets: [{ id: "a", group: "bsg", url: "tcp://127.0.0.1:443" }, { id: "b", group: "control", url: "https://one.one.one.one/" }] }, expect: "valid" },
];

let n = 0;
function writeCase(c: Case): string {
  const path = join(dir, `case-${n++}.json`);
  writeFileSync(path, c.raw === true ? (c.file as string) : JSON.stringify(c.file, null, 2));
  return path;
}

describe("config fuzz through the built CLI", () => {
  it(`has at least 80 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
  });

  it("every case: rejected with exit 2, the key named on stderr and a JSON error on stdout (diagnose --json); valid ones accepted", async () => {
    // One run per case: a rejected file stops before any probe, a valid one runs `history` (no network).
    const runs = await pool(
      cases.map((c) => async (): Promise<[Case, Run]> => {
        const args = c.expect === "valid" ? ["history", "--limit", "1"] : ["diagnose", "--json"];
        return [c, await cli(["--config", writeCase(c), "--data-dir", dataDir, ...args], { timeoutMs: 60_000 })];
      }),
      // Two at a time: CI has two cores and the timing-sensitive end-to-end suites run next to this one.
      2,
    );
    const failures: string[] = [];
    for (const [c, r] of runs) {
      try {
        if (c.expect === "valid") {
          assertClean(r, c.name);
          expect(r.code, `${c.name}: ${r.stderr}`).toBe(0);
          continue;
        }
        assertClean(r, c.name, { json: true });
        expect(r.code, `${c.name}: ${r.stderr}`).toBe(2);
        expect(r.stderr, c.name).toMatch(c.expect);
        expect(r.stderr, `${c.name}: one error, not a dump`).toMatch(/^error: /);
        expect(JSON.parse(r.stdout)).toEqual({ schema: 1, error: { code: c.code ?? "CONFIG_INVALID", message: expect.stringMatching(c.expect) } });
      } catch (e) {
        failures.push(`${c.name}: ${(e as Error).message.split("\n").slice(0, 6).join("\n")}`);
      }
    }
    expect(failures).toEqual([]);
  }, 600_000);

  it.each([
    [["--config", ""], /--config: expected the path of a JSON config file, found an empty text/],
    [["--data-dir", ""], /--data-dir: expected a folder, found an empty text/],
  ])("%j is a usage error, not the defaults", async (args, message) => {
    const r = await cli([...args, "history"]);
    assertClean(r, args.join(" "));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it.each(["0x10", "1e3", " 5", "5 ", "-1", "0", "1.5", "+3", "10001", "٣", "Infinity", "NaN", ""])("--limit %j is refused (decimal digits 1–10000 only)", async (limit) => {
    const r = await cli(["--data-dir", dataDir, "history", "--limit", limit]);
    assertClean(r, `--limit ${limit}`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--limit: expected a whole number from 1 to 10000/);
  });
});
