/**
 * One pass over a text that says which secret-like shapes it contains (a 24-hex id, a MAC, an IPv4 or IPv6
 * address). Each shape check is a necessary condition of a rule's pattern, so a line without the shape skips that
 * pattern entirely. Every log line has a clock time and a version number; the checks below tell those apart from
 * addresses, which is what makes the filter worth having (test/redact/engine.test.ts fuzzes them against the
 * patterns).
 */

export const SHAPE = {
  /** Exactly 24 hex digits, not touching a word character or `-`. */
  HEX_ID: 1,
  /** `hh:hh:hh:hh:hh:hh` or `hh-hh-hh-hh-hh-hh`. */
  SEPARATED_MAC: 2,
  /** `hhhh.hhhh.hhhh`. */
  CISCO_MAC: 4,
  /** Four dotted groups of 1–3 digits, not part of a longer dotted number or a word. */
  IPV4: 8,
  /** A run of hex digits and colons with `::` or seven colons. */
  IPV6: 16,
} as const;

const HEX = 1;
const DIGIT = 2;
const WORD = 4;
/** Character classes of the ASCII range; everything else is none of them. */
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const digit = c >= 48 && c <= 57;
  const hex = digit || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
  const word = hex || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  CLASS[c] = (hex ? HEX : 0) | (digit ? DIGIT : 0) | (word ? WORD : 0);
}
const cls = (c: number): number => (c < 128 ? CLASS[c]! : 0);
const isHex = (c: number): boolean => (cls(c) & HEX) !== 0;
const isDigit = (c: number): boolean => (cls(c) & DIGIT) !== 0;
const isWord = (c: number): boolean => (cls(c) & WORD) !== 0;

/** Bit set of the `SHAPE`s present in `text`. */
export function scanShapes(text: string): number {
  const n = text.length;
  let found = 0;
  let hexRun = 0;
  let v6Colons = 0;
  let prevColon = false;
  let prev = 32;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : 32;
    const k = c < 128 ? CLASS[c]! : 0;
    if ((k & HEX) !== 0) {
      // The common case, kept short: extend the hex run; an IPv4 may start at a digit that starts a number.
      hexRun++;
      prevColon = false;
      if ((k & DIGIT) !== 0 && (found & SHAPE.IPV4) === 0 && prev !== 46 && !isWord(prev) && ipv4At(text, i)) found |= SHAPE.IPV4;
      prev = c;
      continue;
    }
    // HEX_ID: a hex run ends here; exactly 24 long, with no word character or '-' on either side.
    if (hexRun === 24 && (k & WORD) === 0 && c !== 45) {
      const before = i - 25 >= 0 ? text.charCodeAt(i - 25) : 32;
      if (!isWord(before) && before !== 45) found |= SHAPE.HEX_ID;
    }
    hexRun = 0;
    if (c === 58) {
      // IPV6: colons inside one run of hex digits and colons.
      if (prevColon || ++v6Colons >= 7) found |= SHAPE.IPV6;
      prevColon = true;
      if ((found & SHAPE.SEPARATED_MAC) === 0 && macAt(text, i, c)) found |= SHAPE.SEPARATED_MAC;
    } else {
      v6Colons = 0;
      prevColon = false;
      if (c === 45) {
        if ((found & SHAPE.SEPARATED_MAC) === 0 && macAt(text, i, c)) found |= SHAPE.SEPARATED_MAC;
      } else if (c === 46 && (found & SHAPE.CISCO_MAC) === 0 && ciscoAt(text, i)) found |= SHAPE.CISCO_MAC;
    }
    prev = c;
  }
  return found;
}

/** `hh<sep>hh<sep>hh<sep>hh<sep>hh<sep>hh` whose first separator is at `i`. */
function macAt(text: string, i: number, sep: number): boolean {
  if (i < 2 || i + 14 >= text.length) return false;
  for (let g = 0; g < 6; g++) {
    const at = i - 2 + g * 3;
    if (!isHex(text.charCodeAt(at)) || !isHex(text.charCodeAt(at + 1)) || (g < 5 && text.charCodeAt(at + 2) !== sep)) return false;
  }
  return true;
}

/** `hhhh.hhhh.hhhh` whose first dot is at `i`. */
function ciscoAt(text: string, i: number): boolean {
  if (i < 4 || text.charCodeAt(i + 5) !== 46) return false;
  for (let d = 1; d <= 4; d++) if (!isHex(text.charCodeAt(i - d)) || !isHex(text.charCodeAt(i + d))) return false;
  return true;
}

/** True when four dotted groups of 1–3 digits start at `i` and are not followed by a word character or `.digit`. */
function ipv4At(text: string, i: number): boolean {
  let j = i;
  for (let group = 1; ; group++) {
    let digits = 0;
    while (j < text.length && isDigit(text.charCodeAt(j))) {
      j++;
      if (++digits > 3) return false;
    }
    if (digits === 0) return false;
    if (group === 4) {
      const after = j < text.length ? text.charCodeAt(j) : 32;
      return !isWord(after) && !(after === 46 && isDigit(text.charCodeAt(j + 1)));
    }
    if (text.charCodeAt(j) !== 46) return false;
    j++;
  }
}
