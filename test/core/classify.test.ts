import { describe, expect, it } from "vitest";
import { classify, targetState } from "../../src/core/classify.js";
import { EN, messages } from "../../src/core/i18n/index.js";
import { INTERCEPTORS, interceptorOf } from "../../src/core/interception.js";
import { meaningOf } from "../../src/core/meaning.js";
import { VARIANT_IDS, VARIANTS, VERDICT_IDS, type VerdictId } from "../../src/core/types.js";
import { INTERCEPTION_SAMPLES, PUBLIC_ISSUERS } from "../world/interception-samples.js";
import { round, target, type RoundSpec } from "../helpers/round-builder.js";
import { ESET, hijacked, inspected, shielded, upBsg, upCtl, variantCases } from "./variant-cases.js";


const cases: Array<[string, RoundSpec, VerdictId, "high" | "medium" | "low"]> = [
  ["everything reachable", { bsg: upBsg, controls: upCtl }, "ok", "high"],
  ["BSG answers 4xx on its root (reachable)", { bsg: [{ id: "prod", fail: "HTTP_4XX" }, { id: "gw" }], controls: upCtl }, "ok", "high"],
  ["status API says updating", { bsg: upBsg, controls: upCtl, status: "updating" }, "maintenance", "high"],
  ["updating wins even while BSG refuses", { bsg: [{ id: "prod", fail: "TCP_REFUSED" }], controls: upCtl, status: "updating" }, "maintenance", "high"],
  ["status down and BSG failing", { bsg: [{ id: "prod", fail: "TCP_TIMEOUT" }, { id: "gw", fail: "HTTP_5XX" }], controls: upCtl, status: "down" }, "server-outage", "high"],
  ["status unstable, own path fine", { bsg: upBsg, controls: upCtl, status: "unstable" }, "server-outage", "medium"],
  ["all BSG 5xx, controls fine, status green", { bsg: [{ id: "prod", fail: "HTTP_5XX" }, { id: "gw", fail: "HTTP_5XX" }], controls: upCtl }, "server-outage", "high"],
  ["BSG mixes 5xx and timeouts", { bsg: [{ id: "prod", fail: "HTTP_5XX" }, { id: "gw", fail: "TCP_TIMEOUT" }], controls: upCtl }, "server-outage", "medium"],
  ["all HTTPS BSG targets 5xx; a tcp:// one connecting proves nothing past TCP", { bsg: [{ id: "prod", fail: "HTTP_5XX" }, { id: "gw", fail: "HTTP_5XX" }, { id: "wsn", scheme: "tcp" }], controls: upCtl }, "server-outage", "high"],
  ["TLS reset on every HTTPS BSG target while a tcp:// one connects (DPI)", { bsg: [{ id: "prod", fail: "TLS_HANDSHAKE" }, { id: "gw", fail: "TLS_HANDSHAKE" }, { id: "wsn", scheme: "tcp" }], controls: upCtl }, "bsg-unreachable", "high"],
  ["a tcp:// BSG target still counts when others fail at TCP", { bsg: [{ id: "prod", fail: "TCP_TIMEOUT" }, { id: "wsn", scheme: "tcp" }], controls: upCtl }, "bsg-degraded", "medium"],
  ["one BSG target down, others up", { bsg: [{ id: "prod", fail: "TCP_TIMEOUT" }, { id: "gw" }, { id: "launcher" }], controls: upCtl }, "bsg-degraded", "high"],
  ["one BSG target 5xx, other up", { bsg: [{ id: "prod", fail: "HTTP_5XX" }, { id: "gw" }], controls: upCtl }, "bsg-degraded", "medium"],
  ["all BSG time out, controls fine, status green", { bsg: [{ id: "prod", fail: "TCP_TIMEOUT" }, { id: "gw", fail: "TCP_RESET" }], controls: upCtl }, "bsg-unreachable", "high"],
  ["all BSG refused, status unknown", { bsg: [{ id: "prod", fail: "TCP_REFUSED" }, { id: "gw", fail: "TLS_HANDSHAKE" }], controls: upCtl, status: "unknown" }, "bsg-unreachable", "medium"],
  ["system DNS fails BSG names, public answers", { bsg: [{ id: "prod", fail: "DNS_SERVFAIL", publicDnsOk: true }, { id: "gw", fail: "DNS_NXDOMAIN", publicDnsOk: true }], controls: upCtl }, "dns-failure", "high"],
  ["system resolver dead for everything, public answers", { bsg: [{ id: "prod", fail: "DNS_TIMEOUT", publicDnsOk: true }], controls: [{ id: "cf", fail: "DNS_TIMEOUT", publicDnsOk: true }] }, "dns-failure", "high"],
  ["every name fails on every resolver but an IP-literal control answers (DNS blocked)", { bsg: [{ id: "prod", fail: "DNS_NXDOMAIN" }], controls: [{ id: "cf", fail: "DNS_NXDOMAIN" }, { id: "anycast", host: "1.1.1.1" }] }, "dns-failure", "medium"],
  ["one BSG name broken at system DNS, others fine", { bsg: [{ id: "prod", fail: "DNS_NXDOMAIN", publicDnsOk: true }, { id: "gw" }], controls: upCtl }, "dns-failure", "medium"],
  ["untrusted certificate on BSG", { bsg: [{ id: "prod", fail: "TLS_UNTRUSTED", issuer: "CN=Avast Web Shield Root" }, { id: "gw", fail: "TLS_UNTRUSTED" }], controls: upCtl }, "tls-intercepted", "high"],
  ["wrong-host certificate on one BSG target", { bsg: [{ id: "prod", fail: "TLS_HOSTNAME_MISMATCH" }, { id: "gw", fail: "TCP_TIMEOUT" }], controls: upCtl }, "tls-intercepted", "medium"],
  ["nothing reachable, router answers", { bsg: [{ id: "prod", fail: "TCP_TIMEOUT" }], controls: [{ id: "cf", fail: "TCP_TIMEOUT" }, { id: "google", fail: "DNS_TIMEOUT" }], gateway: "alive" }, "no-internet", "high"],
  ["nothing reachable, router unknown", { bsg: [{ id: "prod", fail: "TCP_TIMEOUT" }], controls: [{ id: "cf", fail: "TCP_TIMEOUT" }], gateway: "unknown" }, "no-internet", "medium"],
  ["nothing reachable, router dead", { bsg: [{ id: "prod", fail: "TCP_TIMEOUT" }], controls: [{ id: "cf", fail: "NET_UNREACHABLE" }], gateway: "dead" }, "local-network", "high"],
  ["nothing reachable, no route", { bsg: [{ id: "prod", fail: "NET_UNREACHABLE" }], controls: [{ id: "cf", fail: "NET_UNREACHABLE" }], gateway: "no-route" }, "local-network", "high"],
  ["internet down never blames BSG even if status says down", { bsg: [{ id: "prod", fail: "TCP_TIMEOUT" }], controls: [{ id: "cf", fail: "TCP_TIMEOUT" }], status: "down" }, "no-internet", "high"],
  ["all BSG probes broken", { bsg: [{ id: "prod", broken: true }], controls: upCtl }, "inconclusive", "low"],
  ["no controls usable and BSG failing", { bsg: [{ id: "prod", fail: "TCP_TIMEOUT" }], controls: [{ id: "cf", broken: true }] }, "inconclusive", "low"],
  ["BSG names unknown to every resolver", { bsg: [{ id: "prod", fail: "DNS_NXDOMAIN" }, { id: "gw", fail: "DNS_NXDOMAIN" }], controls: upCtl }, "inconclusive", "low"],
  ["BSG's DNS servfails everywhere", { bsg: [{ id: "prod", fail: "DNS_SERVFAIL" }, { id: "gw", fail: "DNS_SERVFAIL" }], controls: upCtl }, "server-outage", "medium"],
  ["BSG fails in unrelated ways", { bsg: [{ id: "prod", fail: "DNS_SERVFAIL" }, { id: "gw", fail: "TCP_TIMEOUT" }], controls: upCtl }, "inconclusive", "low"],
  ["broken BSG probe is missing evidence, not an outage", { bsg: [{ id: "prod", broken: true }, { id: "gw" }], controls: upCtl }, "ok", "medium"],
  ["controls blocked but BSG reachable: not no-internet", { bsg: upBsg, controls: [{ id: "cf", fail: "TCP_TIMEOUT" }] }, "ok", "high"],
];

describe("verdict variants (README table)", () => {
  it.each(variantCases)("%s → %s", (_name, spec, variant, confidence) => {
    const d = classify(round(spec));
    expect(d.variant).toBe(variant);
    expect(d.verdict).toBe(VARIANTS[variant]);
    expect(d.confidence).toBe(confidence);
  });

  it("covers every variant id", () => {
    expect(new Set(variantCases.map((c) => c[2]))).toEqual(new Set(VARIANT_IDS));
  });
});

describe("the meaning says what was seen, in both languages", () => {
  const ru = messages("ru");
  it.each([
    ["refused", [{ id: "prod", fail: "TCP_REFUSED" }, { id: "gw", fail: "TCP_REFUSED" }], /are refused/, /отклоняют соединения/],
    ["timed out", [{ id: "prod", fail: "TCP_TIMEOUT" }, { id: "gw", fail: "TLS_TIMEOUT" }], /get no answer in time/, /не отвечают на соединения вовремя/],
    ["cut", [{ id: "prod", fail: "TCP_RESET" }, { id: "gw", fail: "TLS_HANDSHAKE" }], /are cut right after they start/, /обрываются сразу после начала/],
    ["no route", [{ id: "prod", fail: "NET_UNREACHABLE" }, { id: "gw", fail: "NET_UNREACHABLE" }], /finds no route/, /не находит маршрута/],
  ] as const)("%s", (_how, bsg, en, russian) => {
    const d = classify(round({ bsg: [...bsg], controls: upCtl }));
    expect(d.variant).toBe("bsg-unreachable");
    expect(d.meaning).toMatch(en);
    expect(meaningOf(d, EN)).toBe(d.meaning);
    expect(meaningOf(d, ru)).toMatch(russian);
  });

  it("a refused connection is never called timed out or cut", () => {
    const d = classify(round({ bsg: [{ id: "prod", fail: "TCP_REFUSED" }], controls: upCtl }));
    expect(d.meaning).not.toMatch(/time|cut/);
    expect(meaningOf(d, ru)).not.toMatch(/обрыва|вовремя/);
  });

  it("failures of different kinds get the general text, which names no kind", () => {
    const d = classify(round({ bsg: [{ id: "prod", fail: "TCP_REFUSED" }, { id: "gw", fail: "TCP_TIMEOUT" }], controls: upCtl }));
    expect(d.variant).toBe("bsg-unreachable");
    expect(d.meaning).toBe(EN.verdicts.meaning["bsg-unreachable"]);
    expect(d.meaning).not.toMatch(/refused|time|cut/);
    expect(meaningOf(d, ru)).toBe(ru.verdicts.meaning["bsg-unreachable"]);
  });

  it("a control that timed out does not make BSG's refusals read as timeouts", () => {
    const d = classify(round({ bsg: [{ id: "prod", fail: "TCP_REFUSED" }], controls: [{ id: "cf" }, { id: "google", fail: "TCP_TIMEOUT" }] }));
    expect(d.variant).toBe("bsg-unreachable");
    expect(d.meaning).toBe(EN.verdicts.meaning["bsg-unreachable"]);
  });

  it("a stored diagnosis without a variant or codes reads as its verdict's general text", () => {
    expect(meaningOf({ verdict: "bsg-unreachable", evidence: [], confidence: "high" }, ru)).toBe(ru.verdicts.meaning["bsg-unreachable"]);
    expect(meaningOf({ verdict: "dns-failure", evidence: [], confidence: "high" }, EN)).toBe(EN.verdicts.meaning["resolver-fails"]);
  });

  it("no-internet says the router answers only when it was seen answering", () => {
    const seen = classify(round({ bsg: [{ id: "prod", fail: "TCP_TIMEOUT" }], controls: [{ id: "cf", fail: "TCP_TIMEOUT" }], gateway: "alive" }));
    expect(seen.meaning).toMatch(/^Your router answers/);
    const unchecked = classify(round({ bsg: [{ id: "prod", fail: "TCP_TIMEOUT" }], controls: [{ id: "cf", fail: "TCP_TIMEOUT" }], gateway: "unknown" }));
    expect(unchecked.variant).toBe("no-internet");
    expect(unchecked.meaning).not.toMatch(/router answers/);
    expect(unchecked.meaning).toMatch(/router could not be checked/);
    expect(meaningOf(unchecked, ru)).toMatch(/роутер проверить не удалось/);
    expect(meaningOf(seen, ru)).toMatch(/^Роутер отвечает/);
  });
});

describe("interception", () => {
  it("does not call it no-internet when every HTTPS site, controls included, answers with an antivirus certificate", () => {
    const d = classify(round({ bsg: [shielded("prod"), shielded("gw")], controls: [shielded("cf"), shielded("google")], gateway: "alive" }));
    expect(d.verdict).toBe("tls-intercepted");
    expect(d.meaning).toMatch(/Every secure site/);
    expect(d.evidence[0]).toMatchObject({ severity: "problem", code: "TLS_UNTRUSTED" });
    expect(d.evidence[0]!.text).toMatch(/intercepted by Avast: the certificate comes from "Avast Web\/Mail Shield Root" that Windows does not trust either \(untrusted\): the game will fail too\. Other sites get it too \(cf, google\)/);
    expect(d.advice[0]).toMatchObject({ step: 6, text: expect.stringMatching(/^It is Avast\. In Avast open .*Enable HTTPS scanning/) });
  });

  it.each(INTERCEPTION_SAMPLES.map((x) => [x.product, x.dn] as const))("names %s from its real root (%s) with its own setting", (product, dn) => {
    const d = classify(round({ bsg: [shielded("prod", dn)], controls: upCtl }));
    const p = INTERCEPTORS.find((x) => x.id === product)!;
    expect(d.evidence[0]!.text).toContain(`intercepted by ${p.name}`);
    expect(d.evidence[0]!.text).toContain(`The one setting to change: ${p.setting}`);
    expect(d.advice[0]!.text).toContain(p.setting);
  });

  it.each(PUBLIC_ISSUERS.map((x) => [x]))("never names a public CA as an interceptor: %s", (issuer) => {
    expect(interceptorOf(issuer)).toBeNull();
  });

  it("names an unknown issuer by its certificate name and gives the generic setting", () => {
    const d = classify(round({ bsg: [shielded("prod", "CN=Contoso Proxy Root, O=Contoso")], controls: upCtl }));
    expect(d.variant).toBe("intercepted");
    expect(d.evidence[0]!.text).toContain('intercepted by "Contoso Proxy Root"');
    expect(d.advice[0]!.text).toMatch(/Turn off HTTPS\/web scanning/);
  });

  it("trusted by Windows: the verdict stays ok, the inspection is evidence with lower severity", () => {
    const d = classify(round({ bsg: [inspected("prod"), inspected("gw")], controls: upCtl }));
    expect(d.verdict).toBe("ok");
    expect(d.evidence[0]).toMatchObject({ severity: "info" });
    expect(d.evidence[0]!.text).toMatch(/^HTTPS to BSG is inspected by Kaspersky \(trusted by Windows\): prod, gw get a certificate from "Kaspersky Anti-Virus Personal Root Certificate"/);
    expect(d.advice.some((a) => a.text.includes(INTERCEPTORS.find((x) => x.id === "kaspersky")!.setting))).toBe(true);
  });

  it("a public root at BSG is nothing to report", () => {
    const d = classify(round({ bsg: [{ id: "prod", issuer: PUBLIC_ISSUERS[1], trustedBy: "public" }], controls: upCtl }));
    expect(d.variant).toBe("ok");
    expect(d.evidence.some((e) => e.severity !== undefined)).toBe(false);
  });

  it("does not claim the game fails too when the system store could not be read", () => {
    const d = classify(round({ bsg: [{ ...shielded("prod", ESET), systemStoreRead: false }], controls: upCtl }));
    expect(d.evidence[0]!.text).toMatch(/intercepted by ESET: .*Windows' own trust store could not be read by this runtime, so the game may still accept it/);
  });

  it("a certificate for another name is a sign-in page, and the advice says to sign in first", () => {
    const d = classify(round({ bsg: [{ id: "prod", fail: "TLS_HOSTNAME_MISMATCH", issuer: "CN=Aruba Captive Portal CA" }], controls: upCtl }));
    expect(d.variant).toBe("captive-portal");
    expect(d.evidence[0]!.text).toMatch(/certificate for "portal\.captive\.example" from "Aruba Captive Portal CA" instead of BSG's/);
    expect(d.advice[0]!.text).toMatch(/sign in/);
  });
});

describe("DNS hijack", () => {
  it("says your DNS sends Tarkov to the wrong place, with both addresses", () => {
    const d = classify(round({ bsg: [{ ...hijacked("prod", "TLS_HOSTNAME_MISMATCH"), issuer: "CN=ISP Block Page" }, hijacked("gw")], controls: upCtl }));
    expect(d.verdict).toBe("dns-failure");
    expect(d.variant).toBe("dns-hijack");
    expect(d.evidence[0]!.text).toBe("Your DNS sends prod.example.test to 10.10.34.35, where the connection fails with TLS_HOSTNAME_MISMATCH (a certificate for \"portal.captive.example\") while 1.1.1.1's answer 192.0.2.99 works (HTTP 200): your DNS sends Tarkov to the wrong place.");
    expect(d.advice[0]).toMatchObject({ step: 5, fixId: "switch-dns" });
  });

  it("a resolver that hijacks every name (controls too) is a DNS problem, not no internet", () => {
    const d = classify(round({ bsg: [hijacked("prod"), hijacked("gw")], controls: [hijacked("cf"), hijacked("google")], gateway: "alive" }));
    expect(d.variant).toBe("dns-hijack");
  });

  it("different answers whose public address fails too are not a hijack", () => {
    const d = classify(round({ bsg: [{ ...hijacked("prod"), publicAddress: "TCP_REFUSED" }, { ...hijacked("gw"), publicAddress: "TCP_REFUSED" }], controls: upCtl }));
    expect(d.verdict).toBe("bsg-unreachable");
    expect(d.evidence.some((e) => /fails too \(TCP_REFUSED\), so your DNS's different answer is not the cause/.test(e.text))).toBe(true);
  });

  it("a different answer that works is simply ok", () => {
    expect(classify(round({ bsg: [{ id: "prod", address: "10.10.34.35" }], controls: upCtl })).variant).toBe("ok");
  });
});

describe("classify", () => {
  it.each(cases)("%s → %s", (_name, spec, verdict, confidence) => {
    const d = classify(round(spec));
    expect(d.verdict).toBe(verdict);
    expect(d.confidence).toBe(confidence);
    expect(d.headline.length).toBeGreaterThan(5);
    expect(d.advice.length).toBeGreaterThan(0);
    expect(d.evidence.length).toBeGreaterThan(0);
  });

  it("covers every verdict id in the table", () => {
    expect(new Set(cases.map((c) => c[2]))).toEqual(new Set(VERDICT_IDS));
  });

  it("names the intercepting certificate's issuer in the evidence (old-style name without a product)", () => {
    const d = classify(round({ bsg: [{ id: "prod", fail: "TLS_UNTRUSTED", issuer: "CN=Avast Web Shield Root" }], controls: upCtl }));
    expect(d.evidence[0]?.text).toContain("Avast Web Shield Root");
  });

  it("points the DNS verdict at the switch-dns fix and shows the resolver comparison", () => {
    const d = classify(round({ bsg: [{ id: "prod", fail: "DNS_SERVFAIL", publicDnsOk: true }], controls: upCtl }));
    expect(d.advice[0]?.fixId).toBe("switch-dns");
    expect(d.evidence[0]?.text).toMatch(/your DNS: DNS_SERVFAIL; 1\.1\.1\.1: 192\.0\.2\.1/);
  });

  it("explains blocked DNS in its own words instead of claiming public DNS works", () => {
    const d = classify(round({ bsg: [{ id: "prod", fail: "DNS_NXDOMAIN" }], controls: [{ id: "anycast", host: "1.1.1.1" }] }));
    expect(d.meaning).toMatch(/not even through public DNS/);
  });

  it("adds clock advice when a certificate looks expired", () => {
    const d = classify(round({ bsg: [{ id: "prod", fail: "TLS_EXPIRED" }], controls: upCtl }));
    expect(d.verdict).toBe("tls-intercepted");
    expect(d.advice[0]?.text).toMatch(/date, time/);
  });

  it("reports a broken probe as a bug in the evidence, never as a failure code of the target", () => {
    const t = target({ id: "prod", broken: true });
    expect(targetState(t)).toBe("missing");
    const d = classify(round({ bsg: [{ id: "prod", broken: true }, { id: "gw" }], controls: upCtl }));
    expect(d.evidence.some((e) => e.kind === "broken-probe" && /agent bug/.test(e.text))).toBe(true);
  });

  it("carries game-log evidence through", () => {
    const r = round({ bsg: upBsg, controls: upCtl });
    r.extraEvidence = [{ kind: "game-log", text: "Game log 21:04: request failed" }];
    expect(classify(r).evidence.map((e) => e.text)).toContain("Game log 21:04: request failed");
  });
});
