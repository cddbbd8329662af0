/**
 * One redaction engine for everything the agent writes: logs, incidents, the fix journal's free text, and
 * support bundles. Pure (no I/O); src/redact.ts builds the agent's default redactor with the OS user's name.
 *
 * Using it
 * ```ts
 * const r = createRedactor({
 *   userNames: ["Kappa Holder"],          // removed anywhere (besides C:\Users\<name>, /home/<name> paths)
 *   ssids: ["HomeNet-5G"],                // removed anywhere (besides `SSID : …`, `"ssid": "…"` contexts)
 *   keepAddresses: ["104.200.159.98"],    // public addresses to keep (BSG servers, configured resolvers)
 *   keepAddress: (ip) => bsg.has(ip),     // or an allow-list provider, asked per public address
 *   // enabled: false → identity (`bundle --no-redact`); disable: ["public-ip"] → rules off by id
 * });
 * r.text(line)                            // redacted text: the fast path, one call per line
 * r.redact(line, { details: true })       // { text, hits: [{ruleId, count}], details: [{ruleId, secretHint, replacement}],
 *                                         //   before: the line with each secret as its hint, for "before → after" }
 * r.value(obj)                            // deep copy: strings, keys, Error message+stack, Map/Set entries
 * r.counts()                              // running totals per rule id, e.g. for a bundle manifest
 * r.keepAddresses(gameServerAddresses(tracesLogText))   // a bundle's first pass: keep the game's servers
 * ```
 *
 * Guarantees
 * - Idempotent: redacting redacted text changes nothing and counts nothing (placeholders never match a rule).
 * - Linear in the input: every pattern is bounded or anchored on a literal, and each rule's `quick` test skips
 *   text that cannot match it (measured in test/redact/throughput.mjs).
 * - `secretHint` shows the first character only (`K••••`); the secret itself never leaves the redactor.
 * - Public IPs are partly masked (`203.0.x.x`); private, loopback, link-local, CGNAT and multicast addresses,
 *   well-known public resolvers, allow-listed addresses and the servers the game's own connection lines name
 *   (`Ip: …, Port:`, `(address: ip:port)`) stay. Inside an object with a `host` name (a probe target), addresses
 *   are that server's and stay.
 */
export { RULE_IDS } from "./types.js";
export type { RedactResult, RedactionDetail, RedactionRule, Redactor, RedactorOptions, RuleContext, RuleHit, RuleId } from "./types.js";
export { compileRules, createRedactor, describeRules, gameServerAddresses, maskSecret } from "./engine.js";
export { WELL_KNOWN_PUBLIC_RESOLVERS, canonicalAddress, isPublicAddress, maskAddress, nonPublicRange } from "./addresses.js";
