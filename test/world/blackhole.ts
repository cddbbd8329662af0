/**
 * A loopback BLACKHOLE: an address:port whose SYNs are never answered, so a connect ends in the caller's own
 * timeout (TCP_TIMEOUT) instead of a refusal.
 *
 * Why it works: on Linux a listening socket whose accept queue is full drops incoming SYNs silently
 * (`tcp_conn_request` → LISTENOVERFLOWS; the client just retransmits). So we listen with backlog 1 and make sure
 * nobody ever calls accept(): the listener lives in a worker thread whose event loop is blocked in
 * `Atomics.wait`, so libuv never accepts. Then we fill the queue with a few "filler" connects of our own (the kernel
 * completes their handshakes without the owner) until one of them no longer connects: from then on every SYN is
 * dropped. A worker thread (rather than a SIGSTOPped child or python's `listen(0)`) needs no extra binary, cannot
 * be orphaned (it dies with the test process), and is released by setting a flag; when it exits the socket closes
 * and the queued connections are reset.
 */
import { connect, type Socket } from "node:net";
import { Worker } from "node:worker_threads";

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const net = require("node:net");
const flag = new Int32Array(workerData.flag);
const server = net.createServer();
server.once("error", (e) => parentPort.postMessage({ error: e.message }));
server.listen({ host: workerData.host, port: workerData.port, backlog: 1 }, () => {
  parentPort.postMessage({ port: server.address().port });
  // Block this thread's event loop: libuv never gets to accept(). Wake every 100 ms to see if we may go.
  while (Atomics.load(flag, 0) === 0) Atomics.wait(flag, 0, 0, 100);
  server.close();
  process.exit(0);
});
`;

const MAX_FILLERS = 16;

/** Connects and reports whether the handshake completed within `ms`; the socket is kept for cleanup. */
function tryFill(host: string, port: number, ms: number, keep: Socket[]): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.on("error", () => undefined);
    keep.push(s);
    const timer = setTimeout(() => {
      s.destroy();
      resolve(false);
    }, ms);
    s.once("connect", () => {
      clearTimeout(timer);
      resolve(true);
    });
    s.once("close", () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

/** One blackholed endpoint. */
export class Blackhole {
  readonly host: string;
  readonly port: number;
  readonly #worker: Worker;
  readonly #flag: Int32Array;
  readonly #fillers: Socket[];
  readonly #exited: Promise<void>;

  private constructor(host: string, port: number, worker: Worker, flag: Int32Array, fillers: Socket[], exited: Promise<void>) {
    this.host = host;
    this.port = port;
    this.#worker = worker;
    this.#flag = flag;
    this.#fillers = fillers;
    this.#exited = exited;
  }

  /** Starts swallowing SYNs to `host:port` (port 0 = pick one). Resolves once a test connect no longer completes. */
  static async open(host: string, port = 0): Promise<Blackhole> {
    const shared = new SharedArrayBuffer(4);
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { host, port, flag: shared } });
    worker.unref();
    const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
    const flag = new Int32Array(shared);
    const bound = await new Promise<number>((resolve, reject) => {
      worker.once("message", (m: { port?: number; error?: string }) => (m.port !== undefined ? resolve(m.port) : reject(new Error(`blackhole ${host}:${port}: ${m.error ?? "?"}`))));
      worker.once("error", reject);
    });
    const fillers: Socket[] = [];
    const hole = new Blackhole(host, bound, worker, flag, fillers, exited);
    for (let i = 0; i < MAX_FILLERS; i++) {
      if (!(await tryFill(host, bound, 250, fillers))) return hole;
    }
    await hole.close();
    throw new Error(`blackhole ${host}:${bound}: the accept queue never filled (is something accepting?)`);
  }

  /** Lets the worker go: the listening socket closes, so the endpoint refuses again. */
  async close(): Promise<void> {
    Atomics.store(this.#flag, 0, 1);
    Atomics.notify(this.#flag, 0);
    const timer = setTimeout(() => void this.#worker.terminate(), 2_000);
    await this.#exited;
    clearTimeout(timer);
    for (const s of this.#fillers) s.destroy();
  }
}
