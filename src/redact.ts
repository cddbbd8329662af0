/**
 * Redaction applied to everything the agent writes to its logs (and, later, to support bundles): user names in
 * paths, tokens and session ids, EFT profile/account ids, MAC addresses (eft-facts §8). Public IPs are kept in the
 * local log (the player's own evidence) and removed only when a bundle is built.
 */

const RULES: Array<[RegExp, string]> = [
  // C:\Users\<name>\… and /home/<name>/… → %USERPROFILE%
  [/[A-Za-z]:\\Users\\[^\\/"'\s]+/g, "%USERPROFILE%"],
  [/\/home\/[^/"'\s]+/g, "/home/%USER%"],
  // Authorization headers, bearer tokens, cookies and PHPSESSID-style session ids.
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, "$1[redacted]"],
  [/((?:PHPSESSID|session(?:id)?|token|access_token|refresh_token)["']?\s*[=:]\s*["']?)[A-Za-z0-9._~+/=-]{6,}/gi, "$1[redacted]"],
  // EFT profile / account ids: 24-hex Mongo-style ids.
  [/\b[0-9a-f]{24}\b/gi, "[id]"],
  // Websocket channel ids in push-notification URLs.
  [/(\/getwebsocket\/)[^\s"'/?]+/gi, "$1[redacted]"],
  // MAC addresses.
  [/\b(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}\b/g, "[mac]"],
];

/** Returns `text` with personal data replaced by placeholders. Idempotent. */
export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out;
}
