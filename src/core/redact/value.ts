/**
 * Deep walk for redaction: returns a copy in which every string has gone through `redact`, shaped so that
 * `JSON.stringify` shows everything that was there (an Error's message and stack, a Map's entries) and nothing
 * that was not redacted (a Buffer's bytes).
 */

/** Redacts one string; `server` is true inside an object that describes a named server (its addresses stay). */
export type StringRedactor = (s: string, server: boolean) => string;

const MAX_DEPTH = 24;

/** `gw-pvp-01.escapefromtarkov.com`, not `192.168.1.1` and not `[::1]`: a name that DNS answers for. */
const HOST_NAME = /^(?=[^:]*[a-z])[a-z0-9](?:[a-z0-9-]{0,62}\.)*[a-z0-9-]{1,63}\.?$/i;

/** Walks `value`; see the file comment. */
export function walkValue(value: unknown, redact: StringRedactor): unknown {
  const ancestors = new Set<object>();

  const walk = (v: unknown, depth: number, server: boolean): unknown => {
    switch (typeof v) {
      case "string":
        return redact(v, server);
      case "number":
      case "boolean":
      case "undefined":
        return v;
      case "bigint":
        return redact(v.toString(), server);
      case "symbol":
        return redact(v.toString(), server);
      case "function":
        return undefined;
    }
    if (v === null) return null;
    const obj = v as object;
    if (depth >= MAX_DEPTH) return "[Truncated]";
    if (ancestors.has(obj)) return "[Circular]";
    ancestors.add(obj);
    try {
      return walkObject(obj, depth, server);
    } finally {
      ancestors.delete(obj);
    }
  };

  const walkObject = (obj: object, depth: number, server: boolean): unknown => {
    const next = depth + 1;
    if (obj instanceof Date) return obj;
    if (Array.isArray(obj)) return obj.map((x) => walk(x, next, server));
    if (ArrayBuffer.isView(obj) || obj instanceof ArrayBuffer || obj instanceof SharedArrayBuffer) {
      return `[binary ${obj.byteLength} bytes]`;
    }
    if (obj instanceof Error) return walkError(obj, next, server);
    if (obj instanceof Map) {
      const entries = [...obj.entries()];
      if (entries.every(([k]) => typeof k === "string")) {
        return Object.fromEntries(entries.map(([k, x]) => [redact(k as string, server), walk(x, next, server)]));
      }
      return entries.map(([k, x]) => [walk(k, next, server), walk(x, next, server)]);
    }
    if (obj instanceof Set) return [...obj].map((x) => walk(x, next, server));
    if (obj instanceof URL || obj instanceof RegExp) return redact(String(obj), server);
    const toJSON = (obj as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") return walk((toJSON as () => unknown).call(obj), next, server);
    // An object that names a server by host name: the addresses in it are that server's, not the player's.
    const host = (obj as { host?: unknown }).host;
    const inServer = server || (typeof host === "string" && host.length <= 253 && HOST_NAME.test(host));
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(obj)) {
      out[redact(key, inServer)] = walk((obj as Record<string, unknown>)[key], next, inServer);
    }
    return out;
  };

  const walkError = (err: Error, depth: number, server: boolean): Record<string, unknown> => {
    const out: Record<string, unknown> = { name: redact(String(err.name), server), message: redact(String(err.message), server) };
    if (typeof err.stack === "string") out.stack = redact(err.stack, server);
    for (const key of Object.keys(err)) {
      if (key in out) continue;
      out[redact(key, server)] = walk((err as unknown as Record<string, unknown>)[key], depth, server);
    }
    if (err.cause !== undefined && !("cause" in out)) out.cause = walk(err.cause, depth, server);
    if (err instanceof AggregateError && !("errors" in out)) out.errors = walk(err.errors, depth, server);
    return out;
  };

  return walk(value, 0, false);
}
