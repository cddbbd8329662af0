/**
 * A tiny authoritative-looking DNS server on loopback UDP (dgram + dns-packet): per name it answers, says
 * NXDOMAIN / SERVFAIL / REFUSED, answers with no records (NODATA), or stays silent.
 */
import { createSocket, type Socket } from "node:dgram";
import packet from "dns-packet";

/** How the server treats a name. `{ a: [...] }` answers those IPv4 addresses (and NODATA for AAAA). */
export type DnsBehaviour = "nxdomain" | "nodata" | "servfail" | "refused" | "silent" | { a: string[] };

const RCODE = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

export class DnsServer {
  readonly #socket: Socket;
  readonly #decide: (name: string) => DnsBehaviour;
  /** Queries seen, lower-case name → count (for tests that check who asked what). */
  readonly queries = new Map<string, number>();

  private constructor(socket: Socket, decide: (name: string) => DnsBehaviour) {
    this.#socket = socket;
    this.#decide = decide;
  }

  /** Binds to `host:0` (UDP) and answers through `decide`, which is consulted per query (so knobs act at once). */
  static async start(host: string, decide: (name: string) => DnsBehaviour): Promise<DnsServer> {
    const socket = createSocket("udp4");
    const server = new DnsServer(socket, decide);
    socket.on("message", (msg, rinfo) => server.#answer(msg, rinfo.port, rinfo.address));
    socket.on("error", () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(0, host, () => {
        socket.off("error", reject);
        resolve();
      });
    });
    return server;
  }

  get address(): string {
    const a = this.#socket.address();
    return `${a.address}:${a.port}`;
  }

  #answer(msg: Buffer, port: number, address: string): void {
    let query: packet.Packet;
    try {
      query = packet.decode(msg);
    } catch {
      return; // not DNS: ignore, like a real server would
    }
    const question = query.questions?.[0];
    if (question === undefined) return;
    const name = question.name.toLowerCase();
    this.queries.set(name, (this.queries.get(name) ?? 0) + 1);
    const behaviour = this.#decide(name);
    if (behaviour === "silent") return;
    let rcode: number = RCODE.NOERROR;
    const answers: packet.Answer[] = [];
    if (behaviour === "nxdomain") rcode = RCODE.NXDOMAIN;
    else if (behaviour === "servfail") rcode = RCODE.SERVFAIL;
    else if (behaviour === "refused") rcode = RCODE.REFUSED;
    else if (behaviour !== "nodata" && question.type === "A") {
      // TTL 0: nothing between the probe and this server may cache an answer across knob changes.
      for (const ip of behaviour.a) answers.push({ type: "A", name: question.name, ttl: 0, data: ip });
    }
    const reply = packet.encode({
      id: query.id ?? 0,
      type: "response",
      flags: packet.RECURSION_DESIRED | packet.RECURSION_AVAILABLE | packet.AUTHORITATIVE_ANSWER | rcode,
      questions: query.questions ?? [],
      answers,
    });
    this.#socket.send(reply, port, address);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      try {
        this.#socket.close(() => resolve());
      } catch {
        resolve(); // already closed
      }
    });
  }
}
