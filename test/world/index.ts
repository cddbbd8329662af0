/**
 * The loopback test world: a simulated internet on 127.0.0.0/8, for probe tests, end-to-end CLI tests, the
 * monitor tests and `npm run bench`. Nothing leaves the machine.
 *
 * Every host has its own 127.x.y.z address (x random per world, so parallel worlds do not collide) and a name
 * under `.tarkov.test`, served by two fake DNS servers: one plays the system resolver, one a public resolver.
 * Targets are TLS servers with a test CA made at start (`openssl` CLI); the BSG status API, the gateway and every
 * target can be switched between behaviours while the world runs.
 *
 * ```ts
 * const world = await startWorld();                       // default: 3 controls + 4 BSG targets, all up
 * const file = world.writeConfig(tmpDir);                 // → node dist/cli/main.js diagnose --config <file>
 * await world.setGroup("bsg", "blackhole");               // BSG hosts swallow SYNs → TCP_TIMEOUT
 * world.setDns("bsg-prod", "nxdomain", "system");         // the ISP resolver lies, the public one does not
 * world.setStatus("updating");                            // status API: global status 1
 * await world.setGateway("dead");
 * await world.setInterceptor("eset");                     // "untrusted" hosts now present ESET's real root name
 * const store = world.writeSystemStore(tmpDir);           // PEM of that root: TARKOV_AGENT_SYSTEM_CA_FILE=store
 * world.setDns("bsg-prod", { a: [world.sinkholeIp] }, "system");           // DNS hijack to a refusing address
 * world.setDns("bsg-prod", { a: [await world.blockPage()] }, "system");    // … or to a block page
 * world.setDns("bsg-prod", { a: [await world.addEdge("bsg-prod")] }, "system"); // a different but working answer
 * await world.close();
 * ```
 *
 * What each `TargetMode` produces in the probes (https targets; `tcp://` targets only see the TCP part):
 *   up → ok (HTTP 200) · 5xx → HTTP_5XX (503) · 4xx → HTTP_4XX (403) · refuse → TCP_REFUSED ·
 *   blackhole → TCP_TIMEOUT · silent → TLS_TIMEOUT (accepts, never speaks) · reset → TLS_HANDSHAKE (RST after
 *   the ClientHello) · hang-http → HTTP_TIMEOUT (TLS ok, no response) · garbage → HTTP_PROTOCOL ·
 *   wrong-host → TLS_HOSTNAME_MISMATCH · untrusted → TLS_UNTRUSTED (issuer: the current interceptor's real root
 *   name, Avast's by default; `setInterceptor("kaspersky")` switches product) ·
 *   expired → TLS_EXPIRED · unreachable → NET_UNREACHABLE (DNS answers 255.255.255.255: the kernel refuses a TCP
 *   connect to a broadcast address with ENETUNREACH before sending anything).
 */
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createNetServer, type Server as NetServer, type Socket } from "node:net";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Blackhole } from "./blackhole.js";
import { makeCerts, makeInterceptor, type ServerCert, type WorldCerts } from "./certs.js";
import { sampleOf, type InterceptionSample } from "./interception-samples.js";
import type { InterceptorId } from "../../src/core/interception.js";
import { DnsServer, type DnsBehaviour } from "./dns-server.js";
import { StatusServer, type StatusContent, type StatusMode } from "./status-server.js";

export { INTERCEPTION_ISSUER, TEST_ROOT_SUBJECT } from "./certs.js";
export { INTERCEPTION_SAMPLES, PUBLIC_ISSUERS, sampleOf, type InterceptionSample } from "./interception-samples.js";
export { STATUS_MODES, type StatusMode, type StatusContent } from "./status-server.js";
export type { DnsBehaviour } from "./dns-server.js";
export { Blackhole } from "./blackhole.js";

/** Behaviour of one target host (see the module comment for the failure code each one produces). */
export type TargetMode = "up" | "5xx" | "4xx" | "refuse" | "blackhole" | "silent" | "reset" | "hang-http" | "garbage" | "wrong-host" | "untrusted" | "expired" | "unreachable";

export const TARGET_MODES: readonly TargetMode[] = ["up", "5xx", "4xx", "refuse", "blackhole", "silent", "reset", "hang-http", "garbage", "wrong-host", "untrusted", "expired", "unreachable"];

export interface WorldTargetSpec {
  id: string;
  group: "bsg" | "control";
  /** Default "https". */
  scheme?: "https" | "tcp";
  /** Default "up". */
  mode?: TargetMode;
  /** URL path for https targets (default "/"). */
  path?: string;
  /** Address the target by IP in its URL (like the real `1.1.1.1` control). Use with `scheme: "tcp"`: the world's
   * certificates name only `*.tarkov.test`. */
  byIp?: boolean;
}

export interface WorldSpec {
  /** Default: ctl-alpha, ctl-bravo, ctl-charlie (control) and bsg-prod, bsg-gw-pvp, bsg-launcher (https) + bsg-wsn (tcp). */
  targets?: WorldTargetSpec[];
  /** Initial status API mode (default "ok"); `null` leaves `statusApi: null` in the config (disabled). */
  status?: StatusMode | null;
  /** Default "alive". */
  gateway?: "alive" | "dead";
  /** Overrides for the config's `probe` block (default timeoutMs 1000, concurrency 8, deadlineMs 5000). */
  probe?: Partial<WorldProbeConfig>;
  /** Extra top-level config keys (monitor, game, notifications, fixes …), merged shallowly into `config`. */
  config?: Record<string, unknown>;
}

export interface WorldProbeConfig {
  timeoutMs: number;
  concurrency: number;
  deadlineMs: number;
}

/** The plain-JSON config the world produces: valid for `configSchema`. */
export interface WorldConfig {
  targets: { id: string; group: "bsg" | "control"; url: string }[];
  statusApi: string | null;
  dns: { system: string[]; public: string[] };
  tls: { extraCaFile: string };
  gateway: { host: string; ports: number[] };
  probe: WorldProbeConfig;
  [key: string]: unknown;
}

/** One HTTP request seen by a target server. */
export interface WorldRequest {
  targetId: string | null;
  path: string;
  host: string | null;
  userAgent: string | null;
}

/** Where one target lives. */
export interface WorldHost {
  id: string;
  group: "bsg" | "control";
  scheme: "https" | "tcp";
  name: string;
  ip: string;
  port: number;
  url: string;
  mode: TargetMode;
}

export interface World {
  /** Config object (plain JSON) pointing the agent at this world. Mutating it does not change the world. */
  readonly config: WorldConfig;
  /** Temp folder holding certificates and written configs; removed by close(). */
  readonly dir: string;
  readonly caFile: string;
  /** Hosts by target id. */
  readonly hosts: ReadonlyMap<string, WorldHost>;
  /** The status API's host name and address. */
  readonly statusHost: { name: string; ip: string; port: number };
  readonly gatewayHost: { ip: string; port: number };
  /** Query counters of the two resolvers (lower-case name → count). */
  readonly dnsQueries: { system: ReadonlyMap<string, number>; public: ReadonlyMap<string, number> };
  /** The last HTTP requests the target servers received (newest last, at most 200): check Host / User-Agent. */
  readonly requests: readonly WorldRequest[];
  /** Writes `config` (plus `extra` top-level keys) as JSON into `dir`; returns the file path. */
  writeConfig(dir: string, extra?: Record<string, unknown>): string;
  /** Switches one or more targets. Resolves when the new behaviour is in force. */
  setTarget(ids: string | string[], mode: TargetMode): Promise<void>;
  /** Switches every target of a group. */
  setGroup(group: "bsg" | "control", mode: TargetMode): Promise<void>;
  /** Overrides how a resolver answers one name (target id or full name); `null` restores the default answer. */
  setDns(nameOrId: string, behaviour: DnsBehaviour | null, resolver?: "system" | "public" | "both"): void;
  /** Overrides a whole resolver for every name (e.g. "silent" = resolver down); `null` restores per-name answers. */
  setResolver(resolver: "system" | "public", behaviour: DnsBehaviour | null): void;
  /** Switches the status API and optionally replaces its message / services / incident list. */
  setStatus(mode: StatusMode, content?: Partial<StatusContent>): void;
  /** alive = a refused port answers; dead = the gateway's port is blackholed. */
  setGateway(state: "alive" | "dead"): Promise<void>;
  /**
   * Which product's root signs the "untrusted" hosts' certificates (minted once per product, with the real issuer
   * name from interception-samples.ts). Resolves with the issuer as the probe reports it.
   */
  setInterceptor(product: InterceptorId | InterceptionSample): Promise<string>;
  /** Writes the current interceptor's root as a PEM file in `dir` (a "system store" that trusts it); returns the path. */
  writeSystemStore(dir: string): string;
  /** An address where nothing listens: a DNS answer pointing there is refused (a sinkhole). */
  readonly sinkholeIp: string;
  /** Starts (once) a block page: on every target's port, a TLS server with a certificate for another name. Its address. */
  blockPage(): Promise<string>;
  /** A second working address for a target (another CDN edge): same certificate, same behaviour. Its address. */
  addEdge(id: string): Promise<string>;
  /** Stops every server, worker and socket and deletes the temp folder. Safe to call twice. */
  close(): Promise<void>;
}

const DEFAULT_TARGETS: WorldTargetSpec[] = [
  { id: "ctl-alpha", group: "control" },
  { id: "ctl-bravo", group: "control" },
  { id: "ctl-charlie", group: "control" },
  { id: "bsg-prod", group: "bsg" },
  { id: "bsg-gw-pvp", group: "bsg" },
  { id: "bsg-launcher", group: "bsg" },
  { id: "bsg-wsn", group: "bsg", scheme: "tcp" },
];

const ZONE = "tarkov.test";

/** Picks a free TCP port on `ip` by binding port 0 and closing again. */
async function freePort(ip: string): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((resolve, reject) => {
    s.once("error", reject);
    s.listen(0, ip, () => resolve());
  });
  const a = s.address();
  const port = typeof a === "object" && a !== null ? a.port : 0;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

type TlsServers = Record<"valid" | "wrongHost" | "expired" | "untrusted", HttpsServer>;

/** One target's front door: a plain TCP listener that hands each connection to the behaviour of the moment. */
class TargetServer {
  readonly host: WorldHost;
  #server: NetServer | null = null;
  #hole: Blackhole | null = null;
  readonly #sockets = new Set<Socket>();
  #queue: Promise<void> = Promise.resolve();
  readonly #tls: TlsServers;

  constructor(host: WorldHost, tls: TlsServers) {
    this.host = host;
    this.#tls = tls;
  }

  /** Serialised mode switch: listener, blackhole or nothing, depending on the mode. */
  set(mode: TargetMode): Promise<void> {
    this.#queue = this.#queue.then(() => this.#apply(mode));
    return this.#queue;
  }

  async #apply(mode: TargetMode): Promise<void> {
    this.host.mode = mode;
    for (const s of this.#sockets) s.destroy();
    const wantListener = mode !== "refuse" && mode !== "blackhole";
    if (mode !== "blackhole" && this.#hole !== null) {
      await this.#hole.close();
      this.#hole = null;
    }
    if (!wantListener && this.#server !== null) {
      const server = this.#server;
      this.#server = null;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    if (wantListener && this.#server === null) this.#server = await this.#listen();
    if (mode === "blackhole" && this.#hole === null) this.#hole = await Blackhole.open(this.host.ip, this.host.port);
  }

  async #listen(): Promise<NetServer> {
    const server = createNetServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: this.host.ip, port: this.host.port }, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const a = server.address();
    if (typeof a === "object" && a !== null) this.host.port = a.port;
    return server;
  }

  /** Serves one connection with the behaviour of the moment (also used by this host's extra CDN edges). */
  accept(socket: Socket): void {
    this.#sockets.add(socket);
    socket.on("close", () => this.#sockets.delete(socket));
    socket.on("error", () => undefined);
    const mode = this.host.mode;
    if (mode === "reset") {
      socket.once("data", () => socket.resetAndDestroy());
      return;
    }
    if (this.host.scheme === "tcp" || mode === "silent") return; // hold the connection, say nothing
    const tls = mode === "wrong-host" ? this.#tls.wrongHost : mode === "expired" ? this.#tls.expired : mode === "untrusted" ? this.#tls.untrusted : this.#tls.valid;
    tls.emit("connection", socket);
  }

  async close(): Promise<void> {
    await this.#queue.catch(() => undefined);
    for (const s of this.#sockets) s.destroy();
    const server = this.#server;
    this.#server = null;
    if (server !== null) await new Promise<void>((resolve) => server.close(() => resolve()));
    if (this.#hole !== null) await this.#hole.close();
    this.#hole = null;
  }
}

/** Starts a world. Always `await world.close()` (e.g. in afterAll), even when a test fails. */
export async function startWorld(spec: WorldSpec = {}): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), "tarkov-world-"));
  const cleanups: (() => Promise<void>)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    return await build(spec, dir, cleanups, closeAll);
  } catch (e) {
    await closeAll();
    throw e;
  }
}

async function build(spec: WorldSpec, dir: string, cleanups: (() => Promise<void>)[], closeAll: () => Promise<void>): Promise<World> {
  const certs: WorldCerts = await makeCerts(dir);
  const net = 100 + Math.floor(Math.random() * 150);
  const ip = (c: number, d: number): string => `127.${net}.${c}.${d}`;

  // HTTP behind every TLS identity; the host (and thus its mode) is found by the local address.
  const byIp = new Map<string, TargetServer>();
  const held = new Set<ServerResponse>();
  const requests: WorldRequest[] = [];
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const target = byIp.get((req.socket.localAddress ?? "").replace(/^::ffff:/, ""));
    const mode = target?.host.mode ?? "up";
    requests.push({ targetId: target?.host.id ?? null, path: req.url ?? "", host: req.headers.host ?? null, userAgent: req.headers["user-agent"] ?? null });
    if (requests.length > 200) requests.shift();
    if (mode === "hang-http") {
      held.add(res);
      res.on("close", () => held.delete(res));
      return;
    }
    if (mode === "garbage") {
      req.socket.end("SSH-2.0-OpenSSH_9.2 not-http\r\n\r\n");
      return;
    }
    const status = mode === "5xx" ? 503 : mode === "4xx" ? 403 : 200;
    res.writeHead(status, { "content-type": "text/plain", "cache-control": "no-store" });
    res.end(status === 200 ? `ok ${target?.host.id ?? "?"}\n` : `status ${status}\n`);
  };
  const tlsServer = (cert: ServerCert): HttpsServer => {
    const s = createHttpsServer({ key: cert.key, cert: cert.cert, requestTimeout: 0 }, onRequest);
    s.on("tlsClientError", () => undefined);
    s.on("clientError", (_e, socket) => socket.destroy());
    return s;
  };
  const tls = { valid: tlsServer(certs.valid), wrongHost: tlsServer(certs.wrongHost), expired: tlsServer(certs.expired), untrusted: tlsServer(certs.untrusted) };
  cleanups.push(async () => {
    for (const r of held) r.destroy();
  });
  let interceptorPem = certs.untrustedCaPem;
  const minted = new Map<string, { cert: ServerCert; caPem: string }>();

  // Targets.
  const specs = spec.targets ?? DEFAULT_TARGETS;
  const hosts = new Map<string, WorldHost>();
  const servers = new Map<string, TargetServer>();
  // Set up concurrently: a blackhole takes a few hundred ms to fill, and worlds with many of them should start fast.
  const built = await Promise.all(
    specs.map(async (t, i) => {
      const hostIp = ip(1 + Math.floor(i / 250), 1 + (i % 250));
      const scheme = t.scheme ?? "https";
      const name = `${t.id}.${ZONE}`;
      const port = await freePort(hostIp);
      const host: WorldHost = { id: t.id, group: t.group, scheme, name, ip: hostIp, port, url: "", mode: "up" };
      const at = t.byIp === true ? hostIp : name;
      host.url = scheme === "tcp" ? `tcp://${at}:${port}` : `https://${at}:${port}${t.path ?? "/"}`;
      return { host, server: new TargetServer(host, tls) };
    }),
  );
  for (const { host, server } of built) {
    if (hosts.has(host.id)) throw new Error(`duplicate world target id ${host.id}`);
    hosts.set(host.id, host);
    servers.set(host.id, server);
    byIp.set(host.ip, server);
    cleanups.push(() => server.close());
  }
  await Promise.all(built.map(({ server }, i) => server.set(specs[i]?.mode ?? "up")));

  // Status API.
  const status = await StatusServer.start(ip(2, 1), certs.valid);
  cleanups.push(() => status.close());
  if (spec.status !== undefined && spec.status !== null) status.mode = spec.status;
  const statusHost = { name: `status.${ZONE}`, ip: ip(2, 1), port: status.port };

  // DNS: the zone, plus per-resolver overrides.
  const overrides = { system: new Map<string, DnsBehaviour>(), public: new Map<string, DnsBehaviour>() };
  const whole: { system: DnsBehaviour | null; public: DnsBehaviour | null } = { system: null, public: null };
  const byName = new Map<string, WorldHost>([...hosts.values()].map((h) => [h.name, h]));
  const zone = (name: string): DnsBehaviour => {
    if (name === statusHost.name) return { a: [statusHost.ip] };
    const h = byName.get(name);
    if (h === undefined) return "nxdomain";
    return { a: [h.mode === "unreachable" ? "255.255.255.255" : h.ip] };
  };
  const decide = (role: "system" | "public") => (name: string): DnsBehaviour => whole[role] ?? overrides[role].get(name) ?? zone(name);
  const systemDns = await DnsServer.start(ip(53, 1), decide("system"));
  cleanups.push(() => systemDns.close());
  const publicDns = await DnsServer.start(ip(53, 2), decide("public"));
  cleanups.push(() => publicDns.close());

  // Gateway: a port nobody listens on (refused = alive), or the same port blackholed (dead).
  const gatewayHost = { ip: ip(254, 1), port: await freePort(ip(254, 1)) };
  let gatewayHole: Blackhole | null = null;
  const setGateway = async (state: "alive" | "dead"): Promise<void> => {
    if (state === "dead" && gatewayHole === null) gatewayHole = await Blackhole.open(gatewayHost.ip, gatewayHost.port);
    if (state === "alive" && gatewayHole !== null) {
      const hole = gatewayHole;
      gatewayHole = null;
      await hole.close();
    }
  };
  cleanups.push(() => setGateway("alive"));
  await setGateway(spec.gateway ?? "alive");

  // DNS-hijack destinations: a refusing address, a block page, extra CDN edges.
  const listenOn = async (hostIp: string, port: number, onSocket: (socket: Socket) => void): Promise<void> => {
    const server = createNetServer((socket) => {
      socket.on("error", () => undefined);
      onSocket(socket);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: hostIp, port }, () => resolve());
    });
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  };
  let blockPageIp: Promise<string> | null = null;
  let edges = 0;

  const config: WorldConfig = {
    targets: [...hosts.values()].map((h) => ({ id: h.id, group: h.group, url: h.url })),
    statusApi: spec.status === null ? null : `https://${statusHost.name}:${statusHost.port}/api`,
    dns: { system: [systemDns.address], public: [publicDns.address] },
    tls: { extraCaFile: certs.caFile },
    gateway: { host: gatewayHost.ip, ports: [gatewayHost.port] },
    probe: { timeoutMs: 1000, concurrency: 8, deadlineMs: 5000, ...spec.probe },
    ...spec.config,
  };

  const nameOf = (nameOrId: string): string => (hosts.get(nameOrId)?.name ?? (nameOrId === "status" ? statusHost.name : nameOrId)).toLowerCase();
  const serversOf = (ids: string | string[]): TargetServer[] =>
    (Array.isArray(ids) ? ids : [ids]).map((id) => {
      const s = servers.get(id);
      if (s === undefined) throw new Error(`no world target "${id}" (have ${[...servers.keys()].join(", ")})`);
      return s;
    });
  let closed = false;

  return {
    config,
    dir,
    caFile: certs.caFile,
    hosts,
    statusHost,
    gatewayHost,
    dnsQueries: { system: systemDns.queries, public: publicDns.queries },
    requests,
    writeConfig(target: string, extra: Record<string, unknown> = {}): string {
      const file = join(target, `world-config-${process.pid}-${Date.now()}.json`);
      writeFileSync(file, `${JSON.stringify({ ...config, ...extra }, null, 2)}\n`);
      return file;
    },
    async setTarget(ids, mode) {
      await Promise.all(serversOf(ids).map((s) => s.set(mode)));
    },
    async setGroup(group, mode) {
      await Promise.all([...servers.values()].filter((s) => s.host.group === group).map((s) => s.set(mode)));
    },
    setDns(nameOrId, behaviour, resolver = "both") {
      const name = nameOf(nameOrId);
      for (const role of resolver === "both" ? (["system", "public"] as const) : [resolver]) {
        if (behaviour === null) overrides[role].delete(name);
        else overrides[role].set(name, behaviour);
      }
    },
    setResolver(resolver, behaviour) {
      whole[resolver] = behaviour;
    },
    setStatus(mode, content = {}) {
      status.mode = mode;
      status.content = { ...status.content, ...content };
    },
    setGateway,
    async setInterceptor(product) {
      const sample = typeof product === "string" ? sampleOf(product) : product;
      let made = minted.get(sample.dn);
      if (made === undefined) {
        made = await makeInterceptor(dir, `icpt-${minted.size}`, sample);
        minted.set(sample.dn, made);
      }
      tls.untrusted.setSecureContext({ key: made.cert.key, cert: made.cert.cert });
      interceptorPem = made.caPem;
      return sample.dn;
    },
    writeSystemStore(target) {
      const file = join(target, `system-store-${process.pid}-${Date.now()}.pem`);
      writeFileSync(file, interceptorPem);
      return file;
    },
    sinkholeIp: ip(250, 1),
    blockPage() {
      blockPageIp ??= (async () => {
        const at = ip(251, 1);
        for (const port of new Set([...hosts.values()].map((h) => h.port))) await listenOn(at, port, (socket) => tls.wrongHost.emit("connection", socket));
        return at;
      })();
      return blockPageIp;
    },
    async addEdge(id) {
      const server = serversOf(id)[0]!;
      const at = ip(3, ++edges);
      await listenOn(at, server.host.port, (socket) => server.accept(socket));
      byIp.set(at, server);
      return at;
    },
    async close() {
      if (closed) return;
      closed = true;
      await closeAll();
    },
  };
}
