/**
 * IP address classification for redaction (pure). Only *public* unicast addresses can identify the player;
 * private, loopback, link-local, CGNAT, multicast and reserved ranges say nothing about who they are and are kept,
 * because support needs them (the router, a VPN's tunnel address, a proxy's fake-IP range).
 */

/** IPv4 literal, one octet at a time (no leading zeros, 0–255). Not anchored: callers add boundaries. */
export const IPV4_SOURCE = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(?:\\.(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}";
const IPV4_EXACT = new RegExp(`^${IPV4_SOURCE}$`);

/** Parses a dotted IPv4 address into its four octets; null when it is not one. */
export function parseIPv4(s: string): [number, number, number, number] | null {
  if (!IPV4_EXACT.test(s)) return null;
  const p = s.split(".").map(Number);
  return [p[0]!, p[1]!, p[2]!, p[3]!];
}

/**
 * Parses an IPv6 address (with `::` compression and an optional embedded IPv4 tail) into eight 16-bit groups;
 * null when it is not one. A zone (`%eth0`) must be stripped by the caller.
 */
export function parseIPv6(s: string): number[] | null {
  if (s.length < 2 || s.length > 45 || !s.includes(":")) return null;
  let text = s;
  const lastColon = text.lastIndexOf(":");
  const maybeV4 = text.slice(lastColon + 1);
  if (maybeV4.includes(".")) {
    // Embedded IPv4 tail (::ffff:1.2.3.4): rewrite it as the two groups it stands for.
    const v4 = parseIPv4(maybeV4);
    if (v4 === null) return null;
    text = `${text.slice(0, lastColon + 1)}${((v4[0] << 8) | v4[1]).toString(16)}:${((v4[2] << 8) | v4[3]).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const parse = (part: string): number[] | null => {
    if (part === "") return [];
    const out: number[] = [];
    for (const g of part.split(":")) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  if (head === null || rest === null) return null;
  const explicit = head.length + rest.length;
  if (halves.length === 2) {
    if (explicit > 7) return null;
    return [...head, ...new Array<number>(8 - explicit).fill(0), ...rest];
  }
  return explicit === 8 ? head : null;
}

const rangeCache = new Map<string, string | null>();

/** Why an address is not the player's: a named non-public range, or null when it is public. */
export function nonPublicRange(ip: string): string | null {
  // Logs repeat the same few addresses on thousands of lines: remember the answer (bounded).
  const cached = rangeCache.get(ip);
  if (cached !== undefined) return cached;
  const range = classify(ip);
  if (rangeCache.size >= 4096) rangeCache.clear();
  rangeCache.set(ip, range);
  return range;
}

function classify(ip: string): string | null {
  const v4 = parseIPv4(ip);
  if (v4 !== null) return nonPublicV4(v4);
  const v6 = parseIPv6(ip.replace(/%.*$/, ""));
  if (v6 === null) return "not an address";
  return nonPublicV6(v6);
}

function nonPublicV4([a, b]: [number, number, number, number]): string | null {
  if (a === 0) return "this-network";
  if (a === 10) return "private";
  if (a === 127) return "loopback";
  if (a === 169 && b === 254) return "link-local";
  if (a === 172 && b >= 16 && b <= 31) return "private";
  if (a === 192 && b === 168) return "private";
  if (a === 100 && b >= 64 && b <= 127) return "cgnat";
  // 198.18.0.0/15: benchmarking, and the fake-IP range of proxy tools (Clash, sing-box): never a real peer.
  if (a === 198 && (b === 18 || b === 19)) return "benchmark";
  if (a >= 224) return a < 240 ? "multicast" : "reserved";
  return null;
}

function nonPublicV6(g: number[]): string | null {
  if (g.every((x) => x === 0)) return "unspecified";
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return "loopback";
  // IPv4-mapped (::ffff:a.b.c.d): judge the IPv4 address inside.
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    return nonPublicV4([g[6]! >> 8, g[6]! & 0xff, g[7]! >> 8, g[7]! & 0xff]);
  }
  const first = g[0]!;
  if ((first & 0xffc0) === 0xfe80) return "link-local";
  if ((first & 0xfe00) === 0xfc00) return "unique-local";
  if ((first & 0xff00) === 0xff00) return "multicast";
  return null;
}

/** True for an address that could be the player's own public address (and so must not be written in full). */
export const isPublicAddress = (ip: string): boolean => nonPublicRange(ip) === null;

/**
 * The address with its host part hidden: `203.0.113.45` → `203.0.x.x`, `2a02:1234:…` → `2a02:1234:x:x:x:x:x:x`.
 * Enough to tell the provider and region apart in a support case, not enough to find the player.
 */
export function maskAddress(ip: string): string {
  const v4 = parseIPv4(ip);
  if (v4 !== null) return `${v4[0]}.${v4[1]}.x.x`;
  const v6 = parseIPv6(ip.replace(/%.*$/, ""));
  if (v6 === null) return "x.x.x.x";
  return `${v6[0]!.toString(16)}:${v6[1]!.toString(16)}:x:x:x:x:x:x`;
}

const canonicalCache = new Map<string, string | null>();

/** Canonical text of an address for allow-list comparison (IPv6 lower-case, fully expanded). */
export function canonicalAddress(ip: string): string | null {
  const cached = canonicalCache.get(ip);
  if (cached !== undefined) return cached;
  const canonical = canonicalise(ip);
  if (canonicalCache.size >= 4096) canonicalCache.clear();
  canonicalCache.set(ip, canonical);
  return canonical;
}

function canonicalise(ip: string): string | null {
  const bare = ip.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (parseIPv4(bare) !== null) return bare;
  const v6 = parseIPv6(bare);
  return v6 === null ? null : v6.map((x) => x.toString(16)).join(":");
}

/**
 * Public resolvers the agent compares against (config `dns.public` defaults and the usual alternatives). They are
 * everybody's servers, not the player's, and the DNS comparison is meaningless without them.
 */
export const WELL_KNOWN_PUBLIC_RESOLVERS: readonly string[] = [
  "1.1.1.1",
  "1.0.0.1",
  "8.8.8.8",
  "8.8.4.4",
  "9.9.9.9",
  "149.112.112.112",
  "208.67.222.222",
  "208.67.220.220",
  "94.140.14.14",
  "94.140.15.15",
  "2606:4700:4700::1111",
  "2606:4700:4700::1001",
  "2001:4860:4860::8888",
  "2001:4860:4860::8844",
  "2620:fe::fe",
  "2620:fe::9",
];
