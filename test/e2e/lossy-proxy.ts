/**
 * A TCP proxy on loopback that loses a fixed share of connections, for the "random loss never raises an alarm"
 * test. It stands in front of one world target: the world's DNS answers the target's name with the proxy's
 * address, the proxy listens on the target's port and pipes every connection it keeps to the real target.
 *
 * Loss is decided per probe connection, i.e. when a connection's first bytes (a TLS ClientHello) arrive, with a
 * seeded RNG (mulberry32), so a run's sequence of decisions is reproducible. A lost one is, by the same RNG:
 *   - "reset": destroyed at once with a RST (a flaky middlebox, a segment lost mid-handshake);
 *   - "stall": never answered and never connected upstream (a lost packet the client waits out until its probe
 *     timeout), closed after `stallMs` or when the client gives up.
 *
 * Why on the first bytes and not on accept: the kernel completes the TCP handshake before the proxy sees the
 * connection, so a user-space proxy cannot make a bare connect fail. A bare connect-and-close (the agent's liveness
 * check) is still counted in `connections` but can never be lost; deciding at accept would only waste losses on it.
 */
import { connect, createServer, type Server, type Socket } from "node:net";

export { seededRng as seededRandom } from "../agent/fake-world.js";

export interface LossyProxyOptions {
  /** Where to listen (a 127.x.y.z address nobody else uses) and on which port. */
  listen: { host: string; port: number };
  upstream: { host: string; port: number };
  /** Share of connections lost, 0–1 (e.g. 0.02). */
  lossRate: number;
  /** Shared RNG (one seeded stream for several proxies) or a seed. */
  random: () => number;
  /** How long a stalled connection is held before it is closed (default 10 s). */
  stallMs?: number;
}

export interface LossyProxyStats {
  /** Connections accepted (probes and bare liveness connects). */
  connections: number;
  /** Connections that sent data (TLS probes): the ones loss is decided on. */
  probes: number;
  /** Of those, lost by reset / by stall. */
  reset: number;
  stalled: number;
  /** Piped to the upstream. */
  forwarded: number;
}

export interface LossyProxy {
  readonly stats: LossyProxyStats;
  close(): Promise<void>;
}

export async function startLossyProxy(o: LossyProxyOptions): Promise<LossyProxy> {
  const stats: LossyProxyStats = { connections: 0, probes: 0, reset: 0, stalled: 0, forwarded: 0 };
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const stallMs = o.stallMs ?? 10_000;
  const track = (s: Socket): void => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => undefined);
  };
  const server: Server = createServer((client) => {
    track(client);
    stats.connections++;
    client.once("data", (first: Buffer) => {
      stats.probes++;
      if (o.random() < o.lossRate) {
        if (o.random() < 0.5) {
          stats.reset++;
          client.resetAndDestroy();
        } else {
          stats.stalled++;
          const t = setTimeout(() => {
            timers.delete(t);
            client.destroy();
          }, stallMs);
          timers.add(t);
        }
        return;
      }
      stats.forwarded++;
      client.pause();
      const up = connect({ host: o.upstream.host, port: o.upstream.port });
      track(up);
      up.once("connect", () => {
        up.write(first);
        client.pipe(up);
        up.pipe(client);
        client.resume();
      });
      const end = () => {
        client.destroy();
        up.destroy();
      };
      up.once("close", end);
      client.once("close", end);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: o.listen.host, port: o.listen.port }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  let closed = false;
  return {
    stats,
    async close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
