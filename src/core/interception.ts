/**
 * Who is in the middle of a TLS connection, told from the certificate's issuer: the antivirus web shields that
 * re-sign every HTTPS site with a root of their own, and the one setting in each that stops it for the game.
 *
 * The issuer patterns match the real issuer names these products put on their certificates, as quoted in public
 * bug reports (the samples and their sources live next to the test world: test/world/interception-samples.ts).
 * Pure data and string matching, no I/O.
 */

export type InterceptorId = "kaspersky" | "eset" | "avast" | "avg" | "bitdefender" | "norton";

export interface Interceptor {
  id: InterceptorId;
  /** The product as a player knows it. */
  name: string;
  /** Matched against the issuer DN (`CN=…, O=…`). */
  issuer: RegExp;
  /** The one setting to change, in the product's own words, for the game and its launcher. */
  setting: string;
}

/**
 * Order matters only where names could overlap; none do today (AVG's and Avast's shields share a design but not a
 * name). Settings follow the products' menus as players and maintainers describe them (sources in the samples).
 */
export const INTERCEPTORS: readonly Interceptor[] = [
  {
    id: "kaspersky",
    name: "Kaspersky",
    issuer: /kaspersky/i,
    setting: "In Kaspersky open Settings → Network settings → Encrypted connections scanning, and add escapefromtarkov.com to the exclusions (or choose \"Do not scan encrypted connections\").",
  },
  {
    id: "eset",
    name: "ESET",
    issuer: /\bESET\b/,
    setting: "In ESET open Setup → Advanced setup → Protections → SSL/TLS, and exclude the game and the BSG launcher from SSL/TLS scanning (or turn SSL/TLS scanning off).",
  },
  {
    id: "avast",
    name: "Avast",
    issuer: /\bavast\b/i,
    setting: "In Avast open Menu → Settings → Protection → Core Shields → Web Shield, and untick \"Enable HTTPS scanning\".",
  },
  {
    id: "avg",
    name: "AVG",
    issuer: /\bAVG\b/,
    setting: "In AVG open Menu → Settings → Basic protection → Core Shields → Web Shield, and untick \"Enable HTTPS scanning\".",
  },
  {
    id: "bitdefender",
    name: "Bitdefender",
    issuer: /bitdefender/i,
    setting: "In Bitdefender open Protection → Online Threat Prevention → Settings, and turn off \"Encrypted web scan\" (or add escapefromtarkov.com to the exceptions).",
  },
  {
    id: "norton",
    name: "Norton",
    issuer: /\bnorton\b/i,
    setting: "In Norton open Settings → Safe Web (Web & Mail Shield), and turn off HTTPS/SSL scanning or add escapefromtarkov.com to its exclusions.",
  },
];

/** The product whose interception root issued this certificate, or null when the issuer is not a known one. */
export function interceptorOf(issuer: string | null | undefined): Interceptor | null {
  if (issuer === null || issuer === undefined || issuer === "") return null;
  return INTERCEPTORS.find((p) => p.issuer.test(issuer)) ?? null;
}

/** `CN=Avast Web/Mail Shield Root, O=…` → `Avast Web/Mail Shield Root`: the part a player can find in a settings page. */
export function commonName(dn: string | null | undefined): string | null {
  if (dn === null || dn === undefined) return null;
  const m = /(?:^|,\s*)CN=([^,]+)/.exec(dn);
  return (m?.[1] ?? dn).trim() || null;
}

/** How the evidence names whoever is in the middle: the product, else the certificate's own name. */
export function interceptorLabel(issuer: string | null | undefined): string {
  const product = interceptorOf(issuer);
  if (product !== null) return product.name;
  const cn = commonName(issuer);
  return cn === null ? "an unknown program or proxy" : `"${cn}"`;
}
