/** Result of anything the world can legitimately refuse us: a value or a coded failure, never a throw. */
export type Outcome<T, C extends string = string> =
  | { ok: true; value: T }
  | { ok: false; code: C; message: string };

export const success = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const failure = <C extends string>(code: C, message: string): { ok: false; code: C; message: string } => ({
  ok: false,
  code,
  message,
});
