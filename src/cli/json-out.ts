/**
 * JSON for stdout. JSON.stringify escapes C0 control characters but leaves DEL, the C1 controls (U+009B is an 8-bit
 * CSI: a terminal escape), line/paragraph separators and bidi overrides raw. Those are escaped too, so `--json`
 * output printed to a terminal can never drive it, and it is still the same JSON for any parser.
 */
const UNSAFE = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Pretty JSON plus a newline, with terminal-unsafe characters escaped as \uXXXX. */
export const jsonOut = (value: unknown): string =>
  JSON.stringify(value, null, 2).replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`) + "\n";
