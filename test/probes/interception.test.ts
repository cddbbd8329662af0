/**
 * TLS interception against the loopback world, with the real issuer names of antivirus HTTPS-scanning roots
 * (test/world/interception-samples.ts), and the system trust store that decides whether the game accepts them.
 */
import { writeFileSync } from "node:fs";
import * as nodeTls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { interceptorOf } from "../../src/core/interception.js";
import { probeTarget, type ProbeContext } from "../../src/probes/index.js";
import { buildTrust, certKey, platformStoreName, readSystemStore, splitPem, SYSTEM_CA_ENV, type SystemStore } from "../../src/probes/trust.js";
import { INTERCEPTION_SAMPLES, startWorld, type World } from "../world/index.js";
import { contextFor, resolved, target } from "./helpers.js";

let world: World;

beforeAll(async () => {
  world = await startWorld({
    targets: [
      { id: "shielded", group: "bsg", mode: "untrusted" },
      { id: "plain", group: "bsg" },
      { id: "portal", group: "control", mode: "wrong-host" },
    ],
  });
});
afterAll(async () => world?.close());

/** A probe context whose "system store" holds exactly `pems` (what Windows would trust). */
function contextWithSystemStore(pems: string[] | null, name = "Windows"): ProbeContext {
  const system: SystemStore = { name, certs: pems, reason: pems === null ? "cannot read it here" : null };
  const trust = buildTrust(resolved(world).tls.extraCaFile, undefined, system);
  return { ...contextFor(world), secureContext: trust.secureContext, trustAnchors: trust.anchors, systemStore: trust.systemStore };
}

describe("real antivirus roots in the middle", () => {
  it.each(INTERCEPTION_SAMPLES.map((s) => [s.product, s.dn, s] as const))("%s: %s is reported as issued and named", async (product, dn, sample) => {
    expect(await world.setInterceptor(sample)).toBe(dn);
    const r = await probeTarget(target(world, "shielded"), contextWithSystemStore([]));
    expect(r.phases.tls).toMatchObject({ status: "fail", code: "TLS_UNTRUSTED" });
    expect(r.tls).toMatchObject({ issuer: dn, subject: "CN=*.tarkov.test", verifyError: "SELF_SIGNED_CERT_IN_CHAIN", trustedBy: null, systemStore: { name: "Windows", read: true } });
    expect(interceptorOf(r.tls?.issuer)?.id).toBe(product);
  });
});

describe("the system trust store (what the game trusts on Windows)", () => {
  it("accepts an interception root only the system store holds, and says so", async () => {
    await world.setInterceptor("kaspersky");
    const store = splitPem(await import("node:fs").then((fs) => fs.readFileSync(world.writeSystemStore(world.dir), "utf8")));
    expect(store).toHaveLength(1);
    const r = await probeTarget(target(world, "shielded"), contextWithSystemStore(store));
    expect(r.phases).toMatchObject({ tls: { status: "ok" }, http: { status: "ok" } });
    expect(r.tls).toMatchObject({ issuer: "CN=Kaspersky Anti-Virus Personal Root Certificate, O=AO Kaspersky Lab", verifyError: null, trustedBy: "system" });
  });

  it("attributes the world's own root to the configured CA, not to the system store, even when both hold it", async () => {
    const configured = splitPem(await import("node:fs").then((fs) => fs.readFileSync(world.caFile, "utf8")));
    const r = await probeTarget(target(world, "plain"), contextWithSystemStore(configured));
    expect(r.tls).toMatchObject({ verifyError: null, trustedBy: "config" });
  });

  it("says when the system store could not be read, so the evidence does not claim the game fails too", async () => {
    await world.setInterceptor("eset");
    const r = await probeTarget(target(world, "shielded"), contextWithSystemStore(null));
    expect(r.tls).toMatchObject({ issuer: "CN=ESET SSL Filter CA, O=ESET, spol. s r. o., C=SK", trustedBy: null, systemStore: { name: "Windows", read: false } });
  });

  it("records a wrong-host certificate with its issuer and no trust", async () => {
    const r = await probeTarget(target(world, "portal"), contextWithSystemStore([]));
    expect(r.phases.tls).toMatchObject({ status: "fail", code: "TLS_HOSTNAME_MISMATCH" });
    expect(r.tls?.trustedBy).toBeNull();
  });

  it("reads the override file named by the environment, and reports an unreadable one", () => {
    const file = `${world.dir}/store.pem`;
    writeFileSync(file, `junk\n${nodeTls.rootCertificates[0]}\nmore junk\n${nodeTls.rootCertificates[1]}\n`);
    const read = readSystemStore({ [SYSTEM_CA_ENV]: file });
    expect(read.certs?.map(certKey)).toEqual([certKey(nodeTls.rootCertificates[0]!), certKey(nodeTls.rootCertificates[1]!)]);
    expect(read.name).toBe(platformStoreName());
    const missing = readSystemStore({ [SYSTEM_CA_ENV]: `${world.dir}/nope.pem` });
    expect(missing).toMatchObject({ certs: null, reason: expect.stringContaining("ENOENT") });
  });

  it("uses Node's system-CA API where the runtime has it (22.15+), and says why not where it does not (Node 20)", () => {
    const store = readSystemStore({});
    const hasApi = typeof (nodeTls as unknown as { getCACertificates?: unknown }).getCACertificates === "function";
    if (hasApi) {
      expect(store.reason).toBeNull();
      expect(Array.isArray(store.certs)).toBe(true);
    } else {
      expect(store).toMatchObject({ certs: null, reason: expect.stringMatching(/cannot read the system trust store \(needs 22\.15 or newer\)/) });
    }
  });

  it("keeps verifying when the system store holds something that is not a certificate", async () => {
    const junk = ["-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----"];
    const r = await probeTarget(target(world, "plain"), contextWithSystemStore(junk));
    expect(r.phases).toMatchObject({ tls: { status: "ok" }, http: { status: "ok" } });
    expect(r.tls).toMatchObject({ trustedBy: "config", systemStore: { name: "Windows", read: true } });
  });
});
