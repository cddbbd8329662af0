import { describe, expect, it } from "vitest";
import {
  canonicalAddress,
  compileRules,
  createRedactor,
  describeRules,
  gameServerAddresses,
  maskAddress,
  maskSecret,
  nonPublicRange,
  RULE_IDS,
} from "../../src/core/redact/index.js";
import { keywordFinder } from "../../src/core/redact/keywords.js";
import { scanShapes } from "../../src/core/redact/shapes.js";
import { osUserNames, redactText, redactValue } from "../../src/redact.js";

describe("redactor API", () => {
  it("reports hits per rule and details whose hints never contain the secret", () => {
    const r = createRedactor({ userNames: ["KappaHolder"] });
    const line = "C:\\Users\\KappaHolder\\x PHPSESSID=s3cr3tvalue WAN 203.0.113.45 and KappaHolder again";
    const out = r.redact(line, { details: true });
    expect(out.text).toBe("%USERPROFILE%\\x PHPSESSID=[redacted] WAN 203.0.x.x and %USER% again");
    expect(out.hits).toEqual([
      { ruleId: "session-token", count: 1 },
      { ruleId: "windows-user-path", count: 1 },
      { ruleId: "os-user-name", count: 1 },
      { ruleId: "public-ip", count: 1 },
    ]);
    expect(out.details).toEqual([
      { ruleId: "session-token", secretHint: "s••••••••", replacement: "[redacted]" },
      { ruleId: "windows-user-path", secretHint: "K••••••••", replacement: "%USERPROFILE%" },
      { ruleId: "os-user-name", secretHint: "K••••••••", replacement: "%USER%" },
      { ruleId: "public-ip", secretHint: "2••••••••", replacement: "203.0.x.x" },
    ]);
    expect(out.before).toBe("C:\\Users\\K••••••••\\x PHPSESSID=s•••••••• WAN 2•••••••• and K•••••••• again");
    const shown = JSON.stringify(out.details) + out.before;
    for (const secret of ["KappaHolder", "s3cr3tvalue", "203.0.113.45"]) expect(shown).not.toContain(secret);
    // Without details, no details key at all (the fast path allocates nothing for them).
    expect(r.redact(line)).not.toHaveProperty("details");
    expect(r.redact(line)).not.toHaveProperty("before");
    // Three redact() calls above; the preview pass counted nothing.
    expect(r.counts()).toEqual({ "session-token": 3, "windows-user-path": 3, "os-user-name": 3, "public-ip": 3 });
  });

  it("keeps running totals until reset", () => {
    const r = createRedactor();
    r.text("a@example.com b@example.com");
    r.value({ nested: ["c@example.com"] });
    expect(r.counts()).toEqual({ email: 3 });
    r.resetCounts();
    expect(r.counts()).toEqual({});
  });

  it("does nothing when switched off, and single rules can be switched off", () => {
    const off = createRedactor({ enabled: false });
    const obj = { p: "C:\\Users\\kappa\\x" };
    expect(off.enabled).toBe(false);
    expect(off.text(obj.p)).toBe(obj.p);
    expect(off.value(obj)).toBe(obj);
    expect(off.counts()).toEqual({});
    const noIp = createRedactor({ disable: ["public-ip"] });
    expect(noIp.text("203.0.113.45 a@example.com")).toBe("203.0.113.45 [email]");
  });

  it("keeps allow-listed addresses, asks the provider, and treats a throwing provider as 'mask'", () => {
    const r = createRedactor({ keepAddresses: ["198.51.100.10", "2a02:1234::1"], keepAddress: (ip) => ip.startsWith("192.0.2.") });
    expect(r.text("a 198.51.100.10 b 2a02:1234:0:0:0:0:0:1 c 192.0.2.7 d 198.51.100.11")).toBe("a 198.51.100.10 b 2a02:1234:0:0:0:0:0:1 c 192.0.2.7 d 198.51.x.x");
    const broken = createRedactor({
      keepAddress: () => {
        throw new Error("provider bug");
      },
    });
    expect(broken.text("x 192.0.2.7")).toBe("x 192.0.x.x");
    r.keepAddresses(["203.0.113.9"]);
    expect(r.text("203.0.113.9")).toBe("203.0.113.9");
  });

  it("keeps the servers the game's own connection lines name, later too, unless told not to learn", () => {
    // Line shapes: josephjang/TarkovHelper docs/eft-log-patterns.md §1.1 and §3.2 (addresses from TEST-NET).
    const connect = "2025-12-02 21:50:53.159|1.0.0.2.42157|Info|network-connection|Connect (address: 203.0.113.77:17001)";
    const create = "TRACE-NetworkGameCreate profileStatus: 'Profileid: x, Status: Busy, RaidMode: Online, Ip: 198.51.100.23, Port: 17000, Location: Woods'";
    const r = createRedactor();
    expect(r.text(connect)).toBe(connect);
    expect(r.text(create)).toBe(create);
    expect(r.text("raid link 203.0.113.77 lost; 198.51.100.23 too; 203.0.113.78 is someone else")).toBe(
      "raid link 203.0.113.77 lost; 198.51.100.23 too; 203.0.x.x is someone else",
    );
    expect(r.learnedAddresses()).toEqual(["203.0.113.77", "198.51.100.23"]);
    const strict = createRedactor({ learnGameAddresses: false });
    expect(strict.text(connect)).toContain("203.0.x.x");
    expect(gameServerAddresses(`${connect}\n${create}\nnothing 192.0.2.1`)).toEqual(["203.0.113.77", "198.51.100.23"]);
  });

  it("lists every rule with a description", () => {
    const listed = describeRules({ userNames: ["KappaHolder"], ssids: ["HomeNet"] });
    expect(new Set(listed.map((r) => r.id))).toEqual(new Set(RULE_IDS));
    for (const r of listed) expect(r.description.length).toBeGreaterThan(10);
  });

  it("masks secrets for previews", () => {
    expect(maskSecret("Kappa")).toBe("K••••");
    expect(maskSecret("ab")).toBe("••");
    expect(maskSecret("x".repeat(40))).toBe(`x${"•".repeat(8)}`);
  });
});

describe("what stays", () => {
  // Lines support needs as they are: not one character may change.
  it.each([
    '{"path":"logs/agent-2026-11-21.log","bytes":18231,"sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}',
    "2026-11-21T20:00:05.123Z DOWN     bsg-unreachable: Your ISP can't reach Tarkov's servers",
    "2025-12-08 15:01:56.925|1.0.0.2.42157|Info|backend|---> Request HTTPS, id [1]: URL: https://prod-04.escapefromtarkov.com/client/menu/locale/en, crc: .",
    "2025-12-03 20:05:33.000|1.0.0.2.42157|Warn|backend|Request https://gw-pve-01.escapefromtarkov.com/client/game/keepalive will be retried after 46.5 sec, retry:1 from retries:5 ... error:Backend error: Cannot resolve destination host",
    "game session started (version 0.16.9.40087), Arena 0.3.2.1.38001, Windows 10.0.19045.4529",
    "2025-12-02 22:00:45.851|1.0.0.2.42157|Info|network-connection|Statistics (address: 104.200.159.98:17001, rtt: 182.75, lose: -1.164153E-10, sent: 71065, received: 49602)",
    "TLS certificate from \"CN=WE1, O=Google Trust Services, C=US\" for \"CN=escapefromtarkov.com\" (SELF_SIGNED_CERT_IN_CHAIN)",
    "Router:      192.168.1.1 alive (tcp:53:accepted)",
    "inc-20261121T200000Z-3f2a9c j-20261121200000123-abc123 run r-20261121-200000-1a2b3c",
    "Sid: US-DAL03G010_692ee0420a302012001058bd_02.12.25_15-49-06, shortId: RTCSZQ",
    "Session mode: PvpSeason",
  ])("%s", (line) => {
    const r = createRedactor({ userNames: ["kappa"] });
    expect(r.text(line)).toBe(line);
  });
});

describe("deep values", () => {
  const r = createRedactor({ userNames: ["kappa"] });

  it("redacts nested objects, arrays, keys, Errors (message, stack, cause), Maps and Sets", () => {
    const err = new Error("cannot open C:\\Users\\kappa\\AppData\\x", { cause: new Error("token=abcdef123") });
    Object.assign(err, { code: "ENOENT", path: "/home/kappa/y" });
    const input = {
      evidence: [{ text: "mail kappa@example.com", deep: { deeper: { ip: "203.0.113.5" } } }],
      round: { checked: ["/home/kappa/.config"] },
      error: err,
      map: new Map([["C:\\Users\\kappa\\k", { v: "a@example.com" }]]),
      odd: new Map<unknown, unknown>([[{ k: "/home/kappa/z" }, 1]]),
      set: new Set(["PHPSESSID=zzz999"]),
      buf: Buffer.from("PHPSESSID=secret"),
      when: new Date(0),
      url: new URL("https://u:p@gw-pvp-01.escapefromtarkov.com/"),
      fn: () => 1,
      big: 12n,
    };
    const out = r.value(input) as unknown as Record<string, unknown>;
    const json = JSON.stringify(out);
    for (const secret of ["kappa", "203.0.113.5", "abcdef123", "zzz999", "secret", "u:p@"]) expect(json).not.toContain(secret);
    expect(out.evidence).toEqual([{ text: "mail [email]", deep: { deeper: { ip: "203.0.x.x" } } }]);
    const e = out.error as Record<string, unknown>;
    expect(e).toMatchObject({ name: "Error", message: "cannot open %USERPROFILE%\\AppData\\x", code: "ENOENT", path: "/home/%USER%/y", cause: { message: "token=[redacted]" } });
    expect(String(e.stack)).toContain("cannot open %USERPROFILE%");
    expect(out.map).toEqual({ "%USERPROFILE%\\k": { v: "[email]" } });
    expect(out.odd).toEqual([[{ k: "/home/%USER%/z" }, 1]]);
    expect(out.set).toEqual(["PHPSESSID=[redacted]"]);
    expect(out.buf).toBe("[binary 16 bytes]");
    expect(out.when).toEqual(new Date(0));
    expect(out.url).toBe("https://[redacted]@gw-pvp-01.escapefromtarkov.com/");
    expect(out.fn).toBeUndefined();
    expect(out.big).toBe("12");
    // The input is untouched.
    expect(input.evidence[0]!.text).toBe("mail kappa@example.com");
  });

  it("survives cycles, shared references and absurd depth", () => {
    const shared = { s: "a@example.com" };
    const cyclic: Record<string, unknown> = { a: shared, b: shared };
    cyclic.self = cyclic;
    expect(r.value(cyclic)).toEqual({ a: { s: "[email]" }, b: { s: "[email]" }, self: "[Circular]" });
    let deep: Record<string, unknown> = { leaf: "x" };
    for (let i = 0; i < 10_000; i++) deep = { d: deep };
    expect(JSON.stringify(r.value(deep))).toContain("[Truncated]");
  });

  it("keeps the addresses of a named server (a probe target), not of anything else", () => {
    const target = { id: "bsg-gw-pvp", host: "gw-pvp.escapefromtarkov.com", address: "203.0.113.80", dns: [{ resolver: "os", addresses: ["203.0.113.80", "203.0.113.81"] }] };
    const gateway = { host: "192.168.1.1", note: "wan 198.51.100.200" };
    const out = r.value({ targets: [target], gateway, free: "dns said 203.0.113.81" });
    expect(out.targets[0]).toEqual(target);
    expect(out.gateway).toEqual({ host: "192.168.1.1", note: "wan 198.51.x.x" });
    // Learned from the target: the same server named in free text stays.
    expect(out.free).toBe("dns said 203.0.113.81");
  });
});

describe("addresses", () => {
  it.each([
    ["10.1.2.3", "private"],
    ["172.31.0.1", "private"],
    ["172.32.0.1", null],
    ["100.64.0.1", "cgnat"],
    ["100.128.0.1", null],
    ["169.254.0.1", "link-local"],
    ["127.0.0.1", "loopback"],
    ["198.18.0.1", "benchmark"],
    ["239.255.255.250", "multicast"],
    ["203.0.113.1", null],
    ["::1", "loopback"],
    ["fe80::1%eth0", "link-local"],
    ["fd00::1", "unique-local"],
    ["::ffff:192.168.1.1", "private"],
    ["::ffff:203.0.113.1", null],
    ["2001:db8::1", null],
    ["1:2:3", "not an address"],
  ])("%s is %s", (ip, range) => {
    expect(nonPublicRange(ip)).toBe(range);
  });

  it("canonicalises and masks", () => {
    expect(canonicalAddress("2A02:1234::1")).toBe(canonicalAddress("2a02:1234:0:0:0:0:0:1"));
    expect(canonicalAddress("[::1]")).toBe("0:0:0:0:0:0:0:1");
    expect(canonicalAddress("1:2:3:4:5:6:7:8:9")).toBeNull();
    expect(maskAddress("203.0.113.45")).toBe("203.0.x.x");
    expect(maskAddress("2a02:1234::1")).toBe("2a02:1234:x:x:x:x:x:x");
  });
});

describe("hostile input", () => {
  // Not a speed target (that is the throughput script); a backtracking pattern would take minutes here, not seconds.
  it.each([
    ["long word run", "a".repeat(200_000)],
    ["at signs", "a@".repeat(100_000)],
    ["dots and digits", "1.".repeat(100_000)],
    ["colons and hex", "ab:".repeat(100_000)],
    ["users path without end", `C:\\Users\\${"x ".repeat(100_000)}`],
    ["key separators", "token=".repeat(50_000)],
    ["spaces", " ".repeat(200_000) + "ProfileId:"],
    ["hex run", "f".repeat(200_000)],
    ["percent run", "%41".repeat(70_000)],
  ])("finishes on %s", (_name, input) => {
    const r = createRedactor({ userNames: ["kappa"], ssids: ["HomeNet"] });
    const t0 = performance.now();
    r.text(input);
    expect(performance.now() - t0).toBeLessThan(10_000);
  });
});

describe("default redactor (src/redact.ts)", () => {
  it("keeps the old redactText contract and knows this machine's user names", () => {
    expect(redactText("C:\\Users\\KappaHolder\\AppData\\Local\\x")).toBe("%USERPROFILE%\\AppData\\Local\\x");
    expect(redactValue({ p: "/home/kappa/.local" })).toEqual({ p: "/home/%USER%/.local" });
    expect(osUserNames({ USERNAME: "Kappa", USERPROFILE: "C:\\Users\\Kappa Holder\\" })).toEqual(expect.arrayContaining(["Kappa", "Kappa Holder"]));
  });
});

describe("pre-checks", () => {
  // A pre-check that says "cannot match" where the pattern matches would be a leak: fuzz them against each other.
  it("never skip text their pattern would match", () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return (seed >>> 8) % n;
    };
    const pick = <T,>(xs: readonly T[]): T => xs[rand(xs.length)]!;
    const hex = (n: number): string => Array.from({ length: n }, () => pick([..."0123456789abcdefABCDEF"])).join("");
    const digits = (): string => String(rand(4) === 0 ? rand(10_000) : rand(300));
    // Near-misses and hits of every shape a pre-check looks for, glued with the characters that decide boundaries.
    const fragments: Array<() => string> = [
      () => Array.from({ length: 2 + rand(4) }, digits).join("."),
      () => hex(20 + rand(9)),
      () => Array.from({ length: 5 + rand(3) }, () => hex(2)).join(pick([":", "-", ":", "."])),
      () => Array.from({ length: 3 }, () => hex(3 + rand(3))).join("."),
      () => Array.from({ length: 2 + rand(7) }, () => (rand(5) === 0 ? "" : hex(1 + rand(4)))).join(":"),
      () => pick(["eyJhbGci.eyJzdWIi.sig", "eyJ", "@", "kappa@example.com", "https://u:p@h", "x://@", "%3D", "user"]),
    ];
    const glue = ["", " ", ".", "-", "_", ":", "x", "(", ",", "/", "1"];
    const sample = (): string => Array.from({ length: 1 + rand(4) }, () => pick(glue) + pick(fragments)() + pick(glue)).join("");
    const rules = compileRules({ userNames: ["kappa"], ssids: ["HomeNet"] }).filter((r) => r.quick !== undefined || r.shape !== undefined);
    const passes = (rule: (typeof rules)[number], s: string): boolean => {
      const quick = rule.quick;
      if (quick !== undefined && !(typeof quick === "function" ? quick(s) : quick.test(s))) return false;
      return rule.shape === undefined || (scanShapes(s) & rule.shape) !== 0;
    };
    const actedOn = new Set<string>();
    for (let n = 0; n < 20_000; n++) {
      const s = sample();
      for (const rule of rules) {
        if (passes(rule, s)) continue;
        // Only matches the rule would act on count (the IPv6 pattern finds loose candidates and checks them after).
        const acted = [...s.matchAll(rule.pattern)].filter((m) => {
          const out = rule.replace(m.groups ?? {}, { keepAddress: () => false, serverContext: false });
          return out !== null && out !== m[0];
        });
        expect(acted.map((m) => m[0]), `${rule.id} pre-check skipped ${JSON.stringify(s)}`).toEqual([]);
      }
      for (const rule of rules) {
        const acted = [...s.matchAll(rule.pattern)].some((m) => {
          const out = rule.replace(m.groups ?? {}, { keepAddress: () => false, serverContext: false });
          return out !== null && out !== m[0];
        });
        if (acted) actedOn.add(rule.description);
      }
    }
    // The fuzz reached a real match of every pre-checked pattern (otherwise it proves nothing).
    expect([...actedOn].sort()).toEqual(rules.map((r) => r.description).sort());
  });
});

describe("keyword finder", () => {
  it("finds overlapping, nested, upper-case, non-ASCII and trailing keywords", () => {
    const finder = keywordFinder(["sess", "x-session", "users", "/users/", "zoë", "@", "id"]);
    const find = (t: string) => finder.find(t);
    expect(find("X-SESSION: 1")).toEqual(new Set(["x-session", "sess"]));
    expect(find("/Users/kappa")).toEqual(new Set(["users", "/users/"]));
    expect(find("ZOË and a@b")).toEqual(new Set(["zoë", "@"]));
    expect(find("ends with id")).toEqual(new Set(["id"]));
    expect(find("")).toEqual(new Set());
    expect(find("nothing here")).toEqual(new Set());
  });
});
