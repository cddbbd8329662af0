import { describe, expect, it } from "vitest";
import { classify, targetState } from "../../src/core/classify.js";
import { VERDICT_IDS, type VerdictId } from "../../src/core/types.js";
import { round, target, type RoundSpec } from "../helpers/round-builder.js";

const upBsg = [{ id: "prod" }, { id: "gw" }, { id: "launcher" }];
const upCtl = [{ id: "cf" }, { id: "google" }];

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

  it("names the intercepting certificate's issuer in the evidence", () => {
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
