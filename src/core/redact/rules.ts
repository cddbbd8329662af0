/**
 * The redaction rules, as data, in the order they run. Order matters where one secret contains another's shape:
 * URL userinfo before e-mail (`https://user:pass@host` is not an address), headers before bare tokens, e-mail and
 * paths before the user name anywhere (kappa@example.com is one secret, not a name and a domain), MACs before IPv6.
 * Every pattern is linear: quantifiers are bounded or anchored on a literal, and `needs`/`shape`/`quick` skip text
 * that cannot match (the bundle pushes hundreds of MB through here, and most lines carry no secret at all).
 *
 * Placeholders never match any rule, so redacting twice changes nothing and counts nothing the second time.
 */
import { IPV4_SOURCE, canonicalAddress, maskAddress, nonPublicRange } from "./addresses.js";
import { SHAPE } from "./shapes.js";
import type { RedactionRule, Replacer, RuleContext } from "./types.js";

/** `pre` + placeholder + `post`: the usual replacement that keeps the context around a secret. */
const swap =
  (placeholder: string): Replacer =>
  (g) =>
    `${g.pre ?? ""}${placeholder}${g.post ?? ""}`;

/** A value that is already a placeholder (`[redacted]`, `[jwt]`, `%USER%`…) is left alone. */
const NOT_PLACEHOLDER = "(?!\\[|%USER)";

/** `key` `"`? `:`|`=` `"`?, also percent-encoded (`%22`, `%3A`, `%3D`), as in query strings and form bodies. */
const KEY_SEP = `(?:["'\`]|%22|%27)?\\s*(?:=|:|%3[Aa]|%3[Dd])\\s*(?:["'\`]|%22|%27)?`;

const AUTH_SCHEME = "(?:Bearer|Basic|Digest|Negotiate|NTLM|Token|Bot)";

/** Profile folders that belong to no person. */
const SHARED_PROFILES = /^(?:public|default|default user|all users|%USER%)$/i;

const WINDOWS_NAME = `(?!%)(?<secret>[^\\\\/:*?"<>|\\r\\n\\t]{1,64}?(?=\\k<sep>)|[^\\\\/:*?"<>|\\s,;'\`)\\]}]{1,64})`;

/** Replaces the profile path (`whole`) or just the name, unless the folder is a shared one. */
function keepShared(placeholder: string, whole: boolean): Replacer {
  return (g) => (SHARED_PROFILES.test(g.secret ?? "") ? null : whole ? placeholder : `${g.pre ?? ""}${placeholder}`);
}

function publicIp(g: Record<string, string | undefined>, ctx: RuleContext): string | null {
  const ip = g.secret!;
  if (nonPublicRange(ip) !== null) return null;
  // keepAddress first: in a server context it also remembers the address for later text.
  if (ctx.keepAddress(ip) || ctx.serverContext) return null;
  return maskAddress(ip);
}

function publicIp6(g: Record<string, string | undefined>, ctx: RuleContext): string | null {
  // The candidate pattern is loose (it also sees times and hex runs): only real IPv6 addresses count.
  if (canonicalAddress(g.secret!) === null) return null;
  return publicIp(g, ctx);
}

/** Cookie and Set-Cookie values: keep the cookie names (useful), hide every value. */
function cookieValues(g: Record<string, string | undefined>): string {
  const secret = g.secret ?? "";
  // A value without name=value pairs is a bare token: all of it goes.
  if (!secret.includes("=")) return `${g.pre ?? ""}[redacted]`;
  const body = secret.replace(/([^=;,\s]{1,128})=(?!\[redacted\])[^;,]*/g, "$1=[redacted]");
  return `${g.pre ?? ""}${body}`;
}

/**
 * A header's value, two ways: quoted (JSON, `"Authorization": "Digest …"`) up to its closing quote, escaped quotes
 * included; unquoted (a raw header line) up to the end of the line, because values such as Digest's carry quotes
 * and commas of their own.
 */
function headerRules(id: RedactionRule["id"], description: string, needs: readonly string[], names: string, scheme: string, replace: Replacer): RedactionRule[] {
  const name = `\\b${names}["'\`]?\\s*(?:=|:|%3[Aa]|%3[Dd])\\s*`;
  const notDone = `(?!${scheme}\\[)`;
  return [
    {
      id,
      description: `${description} (quoted value)`,
      needs,
      pattern: new RegExp(`(?<pre>${name}(?<q>["'\`])${scheme})${notDone}(?<secret>(?:\\\\.|(?!\\k<q>)[^\\\\\\r\\n]){1,8192})`, "gi"),
      replace,
    },
    {
      id,
      description: `${description} (header line)`,
      needs,
      pattern: new RegExp(`(?<pre>${name}${scheme})${notDone}(?<secret>[^\\s"'\`%][^\\r\\n]{0,8191})`, "gi"),
      replace,
    },
  ];
}

export const RULES: readonly RedactionRule[] = [
  {
    id: "url-userinfo",
    description: "User name and password in a URL (https://user:pass@host)",
    quick: (t) => t.includes("@") && t.includes("://"),
    pattern: /(?<pre>\b[a-z][a-z0-9+.-]{0,15}:\/\/)(?!\[redacted\]@)(?<secret>[^\s/?#@"'<>\\]{1,256})@/gi,
    replace: (g) => `${g.pre}[redacted]@`,
  },
  ...headerRules(
    "auth-header",
    "Authorization, Proxy-Authorization and session/token headers (X-Session-Id, X-Auth-Token, …); the scheme name stays",
    ["authorization", "x-session", "x-auth", "x-api", "x-access", "x-csrf", "x-amz"],
    "(?:(?:Proxy-)?Authorization|X-(?:Session-Id|Auth-Token|Api-Key|Access-Token|Csrf-Token|Amz-Security-Token))",
    `(?:${AUTH_SCHEME}\\s+)?`,
    swap("[redacted]"),
  ),
  ...headerRules("cookie", "Cookie and Set-Cookie header values (cookie names stay)", ["cookie"], "(?:Set-)?Cookie", "", cookieValues),
  {
    id: "jwt",
    description: "JSON Web Tokens (eyJ….eyJ….signature)",
    quick: (t) => t.includes("eyJ"),
    pattern: /(?<![\w-])(?<secret>eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*)/g,
    replace: () => "[jwt]",
  },
  {
    id: "bearer-token",
    description: "Bearer tokens outside an Authorization header",
    needs: ["bearer"],
    pattern: /(?<pre>\bBearer\s+)(?!\[)(?<secret>[A-Za-z0-9._~+/=-]{8,4096})/gi,
    replace: swap("[redacted]"),
  },
  {
    id: "session-token",
    description: "Session ids, tokens, API keys and passwords as key=value or JSON (PHPSESSID, session_id, access_token, -token=…), percent-encoded too",
    needs: ["sess", "token", "key", "pass", "pwd", "secret"],
    pattern: new RegExp(
      `(?<pre>(?<![A-Za-z0-9])(?:PHPSESSID|JSESSIONID|ASP\\.NET_SessionId|session[_-]?id|sessid|(?:access|refresh|id|auth|session|csrf|xsrf)[_-]?token|token|api[_-]?key|password|passwd|pwd|client[_-]?secret|secret)${KEY_SEP})${NOT_PLACEHOLDER}(?<secret>(?:[A-Za-z0-9._~+/=!*$-]|%(?!2[267]|3[Bb]|2[Cc])[0-9A-Fa-f]{2}){1,4096})`,
      "gi",
    ),
    replace: swap("[redacted]"),
  },
  {
    id: "websocket-channel",
    description: "The notification channel id in /push/notifier/getwebsocket/<id> (session-bound, eft-facts §8)",
    needs: ["/push/notifier/"],
    pattern: /(?<pre>\/push\/notifier\/(?:getwebsocket|get)\/)(?!\[redacted\])(?<secret>[^\s"'`/?#,)]{1,512})/gi,
    replace: swap("[redacted]"),
  },
  {
    id: "email",
    description: "E-mail addresses",
    quick: (t) => t.includes("@"),
    pattern: /(?<![\w.%+-])(?<secret>[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?!\d+x\.)(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24})(?![\w-])/g,
    replace: () => "[email]",
  },
  {
    id: "windows-user-path",
    description: "The user name in a Windows profile path (C:\\Users\\<name>, C:/Users/, file:///C:/Users/, \\\\?\\C:\\Users\\, any case, spaces allowed) → %USERPROFILE%",
    needs: ["users", "documents and settings"],
    pattern: new RegExp(`(?<pre>\\b[A-Za-z]:[\\\\/]+(?:Users|Documents and Settings)(?<sep>[\\\\/])+)${WINDOWS_NAME}`, "gi"),
    replace: keepShared("%USERPROFILE%", true),
  },
  {
    id: "windows-user-path",
    description: "The user name in other Windows profile paths (\\\\PC\\c$\\Users\\<name>, …\\Users\\<name>) → %USER%",
    needs: ["\\users\\", "\\documents and settings\\"],
    pattern: new RegExp(`(?<pre>\\\\+(?:Users|Documents and Settings)(?<sep>\\\\)+)${WINDOWS_NAME}`, "gi"),
    replace: keepShared("%USER%", false),
  },
  {
    id: "unix-home",
    description: "The user name in a Linux or macOS home folder (/home/<name>, /Users/<name>) → %USER%",
    needs: ["/home/", "/users/"],
    pattern: /(?<pre>\/(?:home|Users)\/+)(?!%)(?<secret>[^/\s"'`:;,)\]}]{1,64})/g,
    replace: (g) => (/^(?:shared|%USER%)$/i.test(g.secret ?? "") ? null : `${g.pre}%USER%`),
  },
  {
    id: "eft-profile-id",
    description: "EFT profile ids (24 hex) after ProfileId:/Profileid:/\"_id\"/\"Id\", and any other bare 24-hex id except RaidId, Sid and template ids",
    shape: SHAPE.HEX_ID,
    // The lookahead first: the context lookbehind only runs where a 24-hex id actually starts.
    pattern: /(?<![\w-])(?=[0-9a-fA-F]{24}(?![\w-]))(?<!(?:RaidId|raidId|templateId|TemplateId|_tpl|tpl|etag|crc)["'`]?\s{0,8}[:=]\s{0,8}["'`]?)(?<secret>[0-9a-fA-F]{24})/g,
    replace: () => "[profile-id]",
  },
  {
    id: "eft-account-id",
    description: "EFT account ids in their contexts: AccountId:, \"aid\", and the party leader in 'Matching with group id'",
    needs: ["account", "aid", "group id"],
    pattern: /(?<pre>(?:\b(?:AccountId|account_id|accountId|aid)["'`]?\s*[:=]\s*["'`]?|\bMatching with group id:?\s*))(?<secret>\d{3,12})(?!\d)/gi,
    replace: swap("[account-id]"),
  },
  {
    id: "eft-nickname",
    description: "Player nicknames in game-log fields (Nickname:, \"Nickname\": \"…\")",
    needs: ["nick"],
    pattern: /(?<pre>\b(?:Nickname|LowerNickname|nick)["'`]?\s*[:=]\s*["'`]?)(?!\[nickname\])(?<secret>[^\s"'`,;)}\]]{1,64})/gi,
    replace: swap("[nickname]"),
  },
  {
    id: "windows-sid",
    description: "Windows account SIDs (S-1-5-21-…), which identify the user and the PC",
    needs: ["s-1-5-21-"],
    pattern: /\b(?<pre>S-1-5-21-)(?<secret>\d{1,10}(?:-\d{1,10}){2,3})\b/gi,
    replace: swap("[sid]"),
  },
  {
    id: "mac-address",
    description: "MAC addresses: 00:1a:2b:3c:4d:5e and 00-1A-2B-3C-4D-5E",
    shape: SHAPE.SEPARATED_MAC,
    pattern: /(?<![\w:.-])(?<secret>[0-9A-Fa-f]{2}(?<sep>[:-])[0-9A-Fa-f]{2}(?:\k<sep>[0-9A-Fa-f]{2}){4})(?![\w:-]|\.\w)/g,
    replace: () => "[mac]",
  },
  {
    id: "mac-address",
    description: "MAC addresses in Cisco notation: 001a.2b3c.4d5e",
    shape: SHAPE.CISCO_MAC,
    pattern: /(?<![\w.])(?<secret>[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?!\w|\.\w)/g,
    replace: () => "[mac]",
  },
  {
    id: "mac-address",
    description: "Bare 12-hex MAC addresses where the context says MAC (MacAddress, Physical Address, PermanentAddress, BSSID, HWaddr, ether)",
    needs: ["mac", "physical", "permanent", "networkaddress", "bssid", "hwaddr", "lladdr", "ether"],
    pattern: /(?<pre>\b(?:MAC(?:[ _-]?Address)?|Physical[ _-]?Address|PermanentAddress|NetworkAddress|BSSID|HWaddr|lladdr|link\/ether|ether)["'`]?[\s.:=]{0,40}["'`]?)(?<secret>[0-9A-Fa-f]{12})(?!\w)/gi,
    replace: swap("[mac]"),
  },
  {
    id: "wifi-ssid",
    description: "Wi-Fi network names in netsh/PowerShell output (SSID : …, SSID 1 : …, Profile : …, All User Profile : …), also quoted inside other text",
    needs: ["ssid", "profile"],
    // An SSID is at most 32 bytes: the value is the rest of the line up to 32 characters, so a long line loses a
    // few harmless words rather than keep a name it cannot delimit. BSSID is not SSID (the lookbehind).
    pattern: /(?<pre>(?<![\w-])(?:SSID(?:[^\S\r\n]+\d{1,3})?|SSID name|All User Profile|Current User Profile|(?<=[^\S\r\n]{2})Profile(?=[^\S\r\n]{2}))[^\S\r\n]*:[^\S\r\n]*)(?!\[ssid\])(?<secret>[^\s](?:[^\r\n]{0,30}[^\s])?)/gi,
    replace: swap("[ssid]"),
  },
  {
    id: "wifi-ssid",
    description: "Wi-Fi network names in fields (\"ssid\": \"…\", ssid=…, ESSID:\"…\", Current Wi-Fi Network: …)",
    needs: ["ssid", "wi-fi", "wifi"],
    pattern: /(?<pre>(?<![A-Za-z])(?:ssid|essid|wifi_?name)["'`]?\s*[:=]\s*(?<q>["'`])|(?<![A-Za-z])(?:ssid|essid)\s*=\s*|\bCurrent Wi-Fi Network:\s*)(?!\[ssid\])(?<secret>(?:(?!\k<q>)[^\r\n]){1,64}?(?=\k<q>)|[^\s"'`,;&]{1,64})/gi,
    replace: swap("[ssid]"),
  },
  {
    id: "public-ip",
    description: "The player's public IPv4 addresses, partly masked (203.0.113.45 → 203.0.x.x); private, loopback, link-local, CGNAT, BSG and allow-listed addresses stay",
    shape: SHAPE.IPV4,
    pattern: new RegExp(`(?<![\\w.])(?<secret>${IPV4_SOURCE})(?!\\w|\\.\\d)`, "g"),
    replace: publicIp,
  },
  {
    id: "public-ip",
    description: "The player's public IPv6 addresses, partly masked (first 32 bits kept)",
    shape: SHAPE.IPV6,
    pattern: /(?<![\w:.])(?<secret>[0-9A-Fa-f:]{2,39})(?![\w:.])/g,
    replace: publicIp6,
  },
];

/**
 * Lines in which the game names a server it connects to (eft-facts §5.6): the raid server in
 * `NetworkGameCreate … Ip: <ip>, Port:`, the UDP link in `(address: <ip>:<port>)`, and the agent's own sentences
 * about them. Addresses found here are BSG's and are kept.
 */
export const GAME_SERVER_CONTEXT = new RegExp(
  `(?:\\bIp:\\s*|\\(address:\\s*|\\braid (?:server|link|connection to)\\s+)\\[?(?<ip>${IPV4_SOURCE}|[0-9A-Fa-f:]{2,39})`,
  "g",
);
