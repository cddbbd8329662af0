/**
 * Parses the GVariant text that `gdbus call` prints (g_variant_print with type annotations) into plain JS:
 * tuples and arrays → arrays, dicts → objects, variants → their content, typed literals → their value.
 * Enough for dbusmenu layouts and D-Bus properties; not a general GVariant implementation.
 */
export type GValue = string | number | boolean | null | GValue[] | { [key: string]: GValue };

const TYPE_KEYWORDS = new Set(["byte", "int16", "uint16", "int32", "uint32", "int64", "uint64", "double", "handle", "objectpath", "signature", "boolean", "string"]);

export function parseGVariant(text: string): GValue {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const expect = (c: string) => {
    ws();
    if (text[i] !== c) throw new Error(`GVariant: expected "${c}" at ${i}, got ${JSON.stringify(text.slice(i, i + 20))}`);
    i++;
  };
  const list = (close: string): GValue[] => {
    const out: GValue[] = [];
    ws();
    while (text[i] !== close) {
      out.push(value());
      ws();
      if (text[i] === ",") i++;
      ws();
    }
    i++;
    return out;
  };
  const str = (): string => {
    const q = text[i++]!;
    let out = "";
    while (text[i] !== q) {
      if (i >= text.length) throw new Error("GVariant: unterminated string");
      if (text[i] === "\\") {
        const e = text[++i]!;
        if (e === "u") {
          out += String.fromCharCode(parseInt(text.slice(i + 1, i + 5), 16));
          i += 5;
          continue;
        }
        out += ({ n: "\n", t: "\t", r: "\r", a: "\x07", b: "\b", f: "\f", v: "\v" } as Record<string, string>)[e] ?? e;
        i++;
        continue;
      }
      out += text[i++];
    }
    i++;
    return out;
  };
  const value = (): GValue => {
    ws();
    const c = text[i]!;
    if (c === "(") {
      i++;
      return list(")");
    }
    if (c === "[") {
      i++;
      return list("]");
    }
    if (c === "<") {
      i++;
      const v = value();
      expect(">");
      return v;
    }
    if (c === "{") {
      i++;
      const obj: Record<string, GValue> = {};
      ws();
      while (text[i] !== "}") {
        const k = value();
        expect(":");
        obj[String(k)] = value();
        ws();
        if (text[i] === ",") i++;
        ws();
      }
      i++;
      return obj;
    }
    if (c === "'" || c === '"') return str();
    if (c === "@") {
      // Type annotation, e.g. "@av []" or "@a{sv} {}": skip the type string.
      while (i < text.length && !/\s/.test(text[i]!)) i++;
      return value();
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))?.[0];
    if (word) {
      i += word.length;
      if (word === "true") return true;
      if (word === "false") return false;
      if (word === "nothing") return null;
      if (word === "just" || TYPE_KEYWORDS.has(word)) return value();
      throw new Error(`GVariant: unknown word "${word}"`);
    }
    const num = /^[-+]?(0x[0-9a-fA-F]+|[0-9.]+(e[-+]?[0-9]+)?|inf|nan)/.exec(text.slice(i))?.[0];
    if (num) {
      i += num.length;
      return Number(num);
    }
    throw new Error(`GVariant: unexpected ${JSON.stringify(text.slice(i, i + 20))} at ${i}`);
  };
  const v = value();
  ws();
  if (i !== text.length) throw new Error(`GVariant: trailing text ${JSON.stringify(text.slice(i, i + 20))}`);
  return v;
}

/** One node of a com.canonical.dbusmenu layout. */
export interface MenuNode {
  id: number;
  props: Record<string, GValue>;
  children: MenuNode[];
}

/** `GetLayout`'s reply `(revision, (id, props, [<children>…]))` as a tree. */
export function parseLayout(text: string): { revision: number; root: MenuNode } {
  const [revision, root] = parseGVariant(text) as [number, GValue[]];
  const node = (t: GValue[]): MenuNode => {
    const [id, props, children] = t as [number, Record<string, GValue>, GValue[][]];
    return { id, props, children: children.map(node) };
  };
  return { revision, root: node(root) };
}

/** Depth-first list of a layout's nodes (root excluded). */
export function flattenLayout(root: MenuNode): MenuNode[] {
  return root.children.flatMap((c) => [c, ...flattenLayout(c)]);
}
