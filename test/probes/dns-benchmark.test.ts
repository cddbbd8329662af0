/**
 * The DNS benchmark behind `fix apply switch-dns` against the loopback world: a resolver that answers fast with an
 * address that fails does not "resolve BSG", so the fix does not refuse with "your DNS is already fastest" while
 * the diagnosis says your DNS sends Tarkov to the wrong place. A different but working answer still counts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { pickProvider } from "../../src/fixes/catalog/switch-dns.js";
import { benchmarkResolvers } from "../../src/probes/dns-benchmark.js";
import { startWorld, type World } from "../world/index.js";
import { resolved } from "./helpers.js";

let world: World;
const BSG = ["bsg-prod", "bsg-launcher"];

beforeAll(async () => {
  world = await startWorld({ targets: [{ id: "bsg-prod", group: "bsg" }, { id: "bsg-launcher", group: "bsg" }, { id: "ctl", group: "control" }] });
});
afterAll(async () => world?.close());
beforeEach(() => {
  for (const id of BSG) world.setDns(id, null, "both");
});

const bench = () => benchmarkResolvers(resolved(world), ["system", world.config.dns.public[0]!], 1);
/** The world's public resolver standing in for Cloudflare in pickProvider's eyes. */
const asCloudflare = (entries: Awaited<ReturnType<typeof bench>>) => entries.map((e) => (e.resolver === "system" ? e : { ...e, resolver: "1.1.1.1" }));

describe("benchmarkResolvers", () => {
  it("your DNS answering BSG with a refusing address does not resolve BSG; switch-dns then picks a public resolver", async () => {
    for (const id of BSG) world.setDns(id, { a: [world.sinkholeIp] }, "system");
    const [system, pub] = await bench();
    expect(system).toMatchObject({ resolver: "system", resolvesBsg: false });
    expect(pub).toMatchObject({ resolvesBsg: true });
    expect(system!.medianMs).not.toBeNull();
    expect(pickProvider(asCloudflare([system!, pub!]))).toMatchObject({ ok: true, params: { provider: "cloudflare" } });
  });

  it("a block page with its own certificate counts as not resolving too", async () => {
    world.setDns("bsg-prod", { a: [await world.blockPage()] }, "system");
    const [system] = await bench();
    expect(system?.resolvesBsg).toBe(false);
  });

  it("a different but working answer (another CDN edge) still resolves BSG", async () => {
    world.setDns("bsg-prod", { a: [await world.addEdge("bsg-prod")] }, "system");
    const [system, pub] = await bench();
    expect(system?.resolvesBsg).toBe(true);
    expect(pub?.resolvesBsg).toBe(true);
  });

  it("when both answers fail, neither is blamed for it", async () => {
    world.setDns("bsg-prod", { a: [world.sinkholeIp] }, "system");
    await world.setTarget("bsg-prod", "refuse");
    try {
      const [system, pub] = await bench();
      expect([system?.resolvesBsg, pub?.resolvesBsg]).toEqual([true, true]);
    } finally {
      await world.setTarget("bsg-prod", "up");
    }
  });
});
