/**
 * Path traces (pure): parsing what `tracert -d`, `pathping -n`, `traceroute -n` and `tracepath -n` print, and
 * reading the result with the one rule that keeps players (and first-line ISP support) from chasing ghosts: loss
 * at a hop matters only when it carries through to the destination. Routers answer traceroute/ping at low priority
 * and rate-limit it, so a middle hop showing 30 % loss while the hops after it show none is a busy router, not a
 * broken path.
 */

export interface TraceHop {
  /** Hop number (TTL). */
  n: number;
  /** Address that answered; null when nothing answered (`*`, "Request timed out."). */
  ip: string | null;
  /** Loss at this hop in percent (pathping's "Source to Here", or the share of unanswered probes); null = unknown. */
  loss: number | null;
  /** Median round trip, ms; null when nothing answered. */
  rtt: number | null;
}

export type TraceTool = "tracert" | "pathping" | "traceroute" | "tracepath";

const IP = String.raw`(\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:]+:[0-9a-fA-F:.]*)`;

const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** `tracert -d`: `  4     *        *        *     Request timed out.` / `  5     6 ms     6 ms     5 ms  10.17.11.132`. */
export function parseTracert(text: string): TraceHop[] {
  const hops: TraceHop[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(\d+)\s+((?:(?:<?\d+\s*ms|\*)\s+){3})(.*)$/.exec(line);
    if (!m) continue;
    const times = [...m[2]!.matchAll(/<?(\d+)\s*ms/g)].map((x) => Number(x[1]));
    const stars = (m[2]!.match(/\*/g) ?? []).length;
    const ip = new RegExp(`^${IP}\\s*$`).exec(m[3]!.trim())?.[1] ?? new RegExp(`\\[${IP}\\]`).exec(m[3]!)?.[1] ?? null;
    hops.push({ n: Number(m[1]), ip, loss: Math.round((100 * stars) / 3), rtt: median(times) });
  }
  return hops;
}

/** `pathping -n`: the statistics table after "Computing statistics"; loss is "Source to Here". */
export function parsePathping(text: string): TraceHop[] {
  const start = text.search(/computing statistics/i);
  if (start === -1) return [];
  const hops: TraceHop[] = [];
  for (const line of text.slice(start).split(/\r?\n/)) {
    // "  2   22ms    16/ 100 = 16%     3/ 100 =  3%  192.168.52.1" (hop 0 has no RTT and no counts)
    const m = new RegExp(String.raw`^\s*(\d+)\s+(?:(---|\d+)ms\s+)?(?:(\d+)/\s*(\d+)\s*=\s*(\d+)%\s+(\d+)/\s*(\d+)\s*=\s*(\d+)%\s+)?${IP}\s*$`).exec(line);
    if (!m) continue;
    const n = Number(m[1]);
    if (n === 0) continue; // the source itself
    hops.push({ n, ip: m[9]!, loss: m[5] === undefined ? null : Number(m[5]), rtt: m[2] === undefined || m[2] === "---" ? null : Number(m[2]) });
  }
  return hops;
}

/** `traceroute -n`: ` 3  10.0.0.1  1.234 ms  1.1 ms *` (several addresses can answer one hop; the first is kept). */
export function parseTraceroute(text: string): TraceHop[] {
  const hops: TraceHop[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (!m || /^traceroute/i.test(line)) continue;
    const rest = m[2]!;
    const times = [...rest.matchAll(/([\d.]+)\s*ms/g)].map((x) => Number(x[1]));
    const stars = (rest.match(/(?:^|\s)\*(?=\s|$)/g) ?? []).length;
    const ip = new RegExp(`(?:^|\\s)${IP}(?=\\s)`).exec(` ${rest} `)?.[1] ?? null;
    const probes = times.length + stars;
    hops.push({ n: Number(m[1]), ip: times.length > 0 ? ip : null, loss: probes === 0 ? null : Math.round((100 * stars) / probes), rtt: median(times) });
  }
  return hops;
}

/** `tracepath -n`: ` 1:  127.0.0.1   0.050ms reached` / ` 2:  no reply`. */
export function parseTracepath(text: string): TraceHop[] {
  const byHop = new Map<number, TraceHop>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(\d+)\??:\s+(.*)$/.exec(line);
    if (!m) continue;
    const n = Number(m[1]);
    const rest = m[2]!;
    if (/\[LOCALHOST\]/.test(rest)) continue;
    const rtt = /([\d.]+)ms/.exec(rest);
    const ip = new RegExp(`^${IP}`).exec(rest.trim())?.[1] ?? null;
    const hop: TraceHop = /no reply/.test(rest) ? { n, ip: null, loss: 100, rtt: null } : { n, ip, loss: 0, rtt: rtt ? Number(rtt[1]) : null };
    // tracepath may print a hop twice (pmtu changes); keep the answering line.
    const prev = byHop.get(n);
    if (!prev || prev.ip === null) byHop.set(n, hop);
  }
  return [...byHop.values()].sort((a, b) => a.n - b.n);
}

/** Parses a tool's output. */
export function parseTrace(tool: TraceTool, text: string): TraceHop[] {
  switch (tool) {
    case "tracert":
      return parseTracert(text);
    case "pathping":
      return parsePathping(text);
    case "traceroute":
      return parseTraceroute(text);
    case "tracepath":
      return parseTracepath(text);
  }
}

export type TraceReading =
  | { kind: "clean"; destinationHop: number }
  /** Intermediate hops drop probes but the destination does not: router rate limiting, not a fault. */
  | { kind: "harmless-loss"; hops: number[]; destinationHop: number }
  /** Loss starts at `fromHop` and every later hop (through the destination) shows it: where to look. */
  | { kind: "loss-to-destination"; fromHop: number; fromIp: string | null; lossPct: number }
  /** The destination never answered; `lastHop` is the last address that did. */
  | { kind: "stops"; lastHop: number | null; lastIp: string | null }
  | { kind: "empty" };

/** Reads a trace with "loss matters only when it carries through to the destination". */
export function readTrace(hops: readonly TraceHop[], destination: string): TraceReading {
  if (hops.length === 0) return { kind: "empty" };
  const destIndex = hops.findIndex((h) => h.ip === destination);
  if (destIndex === -1) {
    const answered = hops.filter((h) => h.ip !== null);
    const last = answered.at(-1) ?? null;
    return { kind: "stops", lastHop: last?.n ?? null, lastIp: last?.ip ?? null };
  }
  const path = hops.slice(0, destIndex + 1);
  const dest = path[destIndex]!;
  const lossy = path.filter((h) => (h.loss ?? 0) > 0).map((h) => h.n);
  if ((dest.loss ?? 0) === 0) return lossy.length === 0 ? { kind: "clean", destinationHop: dest.n } : { kind: "harmless-loss", hops: lossy, destinationHop: dest.n };
  // The destination loses packets: find where the loss starts and stays (every hop from there on shows loss).
  let from = destIndex;
  while (from > 0 && (path[from - 1]!.loss ?? 0) > 0) from--;
  const first = path[from]!;
  return { kind: "loss-to-destination", fromHop: first.n, fromIp: first.ip, lossPct: dest.loss ?? 0 };
}
