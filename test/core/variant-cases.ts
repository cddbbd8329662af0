/** One round per verdict variant (the README's verdict table as data), shared by the verdict and consistency tests. */
import { INTERCEPTION_SAMPLES } from "../world/interception-samples.js";
import type { VariantId } from "../../src/core/types.js";
import type { RoundSpec } from "../helpers/round-builder.js";

export const upBsg = [{ id: "prod" }, { id: "gw" }, { id: "launcher" }];
export const upCtl = [{ id: "cf" }, { id: "google" }];

// Real issuer names (test/world/interception-samples.ts has their sources).
export const AVAST = INTERCEPTION_SAMPLES.find((x) => x.product === "avast")!.dn;
export const KASPERSKY = INTERCEPTION_SAMPLES.find((x) => x.product === "kaspersky")!.dn;
export const ESET = INTERCEPTION_SAMPLES.find((x) => x.product === "eset")!.dn;

export const shielded = (id: string, issuer = AVAST) => ({ id, fail: "TLS_UNTRUSTED" as const, issuer });
export const inspected = (id: string, issuer = KASPERSKY) => ({ id, issuer, trustedBy: "system" as const });
export const hijacked = (id: string, fail: "TCP_REFUSED" | "TLS_HOSTNAME_MISMATCH" | "TCP_TIMEOUT" = "TCP_REFUSED") => ({ id, fail, address: "10.10.34.35", publicAddress: "ok" as const });

/** One round per variant: the README's verdict table, as data. */
export const variantCases: Array<[string, RoundSpec, VariantId, "high" | "medium" | "low"]> = [
  ["everything reachable", { bsg: upBsg, controls: upCtl }, "ok", "high"],
  ["HTTPS to BSG inspected by an antivirus root Windows trusts", { bsg: [inspected("prod"), inspected("gw")], controls: [inspected("cf")] }, "ok-inspected", "high"],
  ["status API says updating", { bsg: upBsg, controls: upCtl, status: "updating" }, "maintenance", "high"],
  ["status down and BSG failing", { bsg: [{ id: "prod", fail: "TCP_TIMEOUT" }], controls: upCtl, status: "down" }, "status-down", "high"],
  ["all BSG 5xx, controls fine", { bsg: [{ id: "prod", fail: "HTTP_5XX" }, { id: "gw", fail: "HTTP_5XX" }], controls: upCtl }, "server-errors", "high"],
  ["BSG's DNS servfails everywhere", { bsg: [{ id: "prod", fail: "DNS_SERVFAIL" }], controls: upCtl }, "bsg-dns-down", "medium"],
  ["one BSG target down", { bsg: [{ id: "prod", fail: "TCP_TIMEOUT" }, { id: "gw" }, { id: "launcher" }], controls: upCtl }, "bsg-degraded", "high"],
  ["all BSG time out, controls fine", { bsg: [{ id: "prod", fail: "TCP_TIMEOUT" }, { id: "gw", fail: "TCP_RESET" }], controls: upCtl }, "bsg-unreachable", "high"],
  ["your resolver fails BSG names public DNS answers", { bsg: [{ id: "prod", fail: "DNS_SERVFAIL", publicDnsOk: true }], controls: upCtl }, "resolver-fails", "high"],
  ["your DNS sends BSG to a refusing sinkhole, the public answer works", { bsg: [hijacked("prod"), hijacked("gw")], controls: upCtl }, "dns-hijack", "high"],
  ["no name resolves anywhere but an IP control answers", { bsg: [{ id: "prod", fail: "DNS_NXDOMAIN" }], controls: [{ id: "cf", fail: "DNS_NXDOMAIN" }, { id: "anycast", host: "1.1.1.1" }] }, "dns-blocked", "medium"],
  ["an antivirus re-signs BSG, other sites fine", { bsg: [shielded("prod"), shielded("gw")], controls: upCtl }, "intercepted", "high"],
  ["an antivirus re-signs every HTTPS site, controls included", { bsg: [shielded("prod"), shielded("gw")], controls: [shielded("cf"), shielded("google")], gateway: "alive" }, "intercepted-everywhere", "high"],
  ["a captive portal answers for every site", { bsg: [{ id: "prod", fail: "TLS_HOSTNAME_MISMATCH", issuer: "CN=Aruba Captive Portal CA" }], controls: [{ id: "cf", fail: "TLS_HOSTNAME_MISMATCH", issuer: "CN=Aruba Captive Portal CA" }] }, "captive-portal", "high"],
  ["every certificate looks expired", { bsg: [{ id: "prod", fail: "TLS_EXPIRED" }], controls: [{ id: "cf", fail: "TLS_EXPIRED" }] }, "wrong-clock", "high"],
  ["nothing answers, router up", { bsg: [{ id: "prod", fail: "TCP_TIMEOUT" }], controls: [{ id: "cf", fail: "TCP_TIMEOUT" }], gateway: "alive" }, "no-internet", "high"],
  ["nothing answers, router dead", { bsg: [{ id: "prod", fail: "TCP_TIMEOUT" }], controls: [{ id: "cf", fail: "NET_UNREACHABLE" }], gateway: "dead" }, "local-network", "high"],
  ["BSG fails in unrelated ways", { bsg: [{ id: "prod", fail: "DNS_SERVFAIL" }, { id: "gw", fail: "TCP_TIMEOUT" }], controls: upCtl }, "inconclusive", "low"],
  ["no resolver knows BSG's names", { bsg: [{ id: "prod", fail: "DNS_NXDOMAIN" }], controls: upCtl }, "unknown-names", "low"],
];

