/**
 * URLs found in game-log lines: where they end, which host they name, whether that host is BSG's, and how they are
 * written into evidence without the ids and tokens they carry (eft-facts §8).
 */

/** A URL inside a log message. Stops at whitespace, commas, quotes and brackets; trailing punctuation is trimmed. */
export const URL_RE = /\b((?:https?|wss?):\/\/[^\s,'"()<>]+)/i;

/**
 * A URL as the game meant it: 1.1 builds end request URLs with a full stop (`…/client/game/start.`, eft-facts
 * §5.6b) and a sentence may end with one, so trailing `.`, `;`, `:`, `!` or `?` is punctuation, not path.
 */
export const trimUrl = (raw: string): string => raw.replace(/[.;:!?]+$/, "");

/** A DNS host name: labels of letters, digits and inner hyphens. No user info, port, IP brackets or spaces. */
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * The host a log URL names, lower-case, or null when the URL is not a plain http(s)/ws(s) URL to a DNS name.
 * A URL with user info is refused outright: `https://tok@gw-pvp-01.escapefromtarkov.com/` would carry a token
 * into every probe and log line, and `https://gw-pvp-01.escapefromtarkov.com@evil.example/` names evil.example,
 * not BSG. The game never writes either; a line that does is hostile or broken, and none of it is probed.
 */
export function hostOf(url: string): string | null {
  let u: URL;
  try {
    u = new URL(trimUrl(url));
  } catch {
    return null;
  }
  if (!/^(?:https?|wss?):$/.test(u.protocol)) return null;
  if (u.username !== "" || u.password !== "") return null;
  const host = u.hostname.toLowerCase().replace(/\.$/, "");
  return HOST_NAME.test(host) ? host : null;
}

/** BSG domains whose hosts may join the probe set; anything else seen in a log is not probed. */
const BSG_DOMAINS = ["escapefromtarkov.com", "escapefromtarkov.ru", "tarkov.com", "eft-store.com", "battlestategames.com"];

/** True for a bare DNS name under one of BSG's domains (never for `user@host`, `host:port` or `a.b/c`). */
export const isBsgHost = (host: string): boolean =>
  HOST_NAME.test(host) && BSG_DOMAINS.some((d) => host === d || host.endsWith(`.${d}`));

const UUID_SRC = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
/** A path segment that is an id or a token rather than a route name. */
const ID_SEGMENT = new RegExp(`^(?:[0-9a-f]{24}|${UUID_SRC}|(?=.*\\d)[A-Za-z0-9_=-]{20,})$`, "i");

/**
 * Removes user info, the query string and id-like path segments (profile ids, channel ids, tokens) from a URL, and
 * the trailing punctuation `trimUrl` removes.
 */
export function redactUrl(url: string): string {
  const clean = trimUrl(url);
  const q = clean.search(/[?#]/);
  const base = q === -1 ? clean : clean.slice(0, q);
  const m = /^([a-z]+:\/\/)(?:[^/@]*@)?([^/@]+)(\/.*)?$/i.exec(base);
  if (!m) return "[unparsed url]";
  const path = (m[3] ?? "")
    .split("/")
    // getwebsocket/<ID> is a session-bound channel id (eft-facts §8) whatever it looks like.
    .map((seg, i, all) => (seg !== "" && (all[i - 1]?.toLowerCase() === "getwebsocket" || ID_SEGMENT.test(seg)) ? "[redacted]" : seg))
    .join("/");
  return (m[1]! + m[2]!).toLowerCase() + path;
}
