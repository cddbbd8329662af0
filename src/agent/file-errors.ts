/**
 * Expected failures of the agent's own state files (journal, incidents, lock, settings), as values with a code from
 * a closed set and a message a player can act on. The CLI turns them into one line and exit code 3; nothing that a
 * disk, a permission or a stray folder can do becomes a stack trace.
 */

export const STATE_FILE_CODES = [
  "STATE_DIR_NOT_FOLDER", // the data folder (or a folder above it) is a file
  "STATE_IS_FOLDER", // a file the agent keeps is a folder
  "STATE_UNREADABLE", // no permission to read
  "STATE_READ_ONLY", // read-only disk or no permission to write
  "STATE_DISK_FULL", // no space left (or over quota)
  "STATE_LOCKED", // another process holds the file's lock for too long
  "STATE_NEWER_VERSION", // written by a newer agent: left untouched
  "STATE_IO", // anything else the OS reported
] as const;
export type StateFileCode = (typeof STATE_FILE_CODES)[number];

/** A state file could not be used; `message` says what happened and the one next thing to do. */
export class StateFileError extends Error {
  override readonly name = "StateFileError";
  constructor(
    readonly code: StateFileCode,
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

export const errnoOf = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | null)?.code;

/**
 * Maps an fs error on `path` to a {@link StateFileError}. `what` names the file for people ("the fix journal"),
 * `op` says whether we were reading or writing (EACCES means "unreadable" or "read-only" accordingly).
 */
export function stateFileError(e: unknown, path: string, what: string, op: "read" | "write", dataDir?: string): StateFileError {
  if (e instanceof StateFileError) return e;
  const [code, message] = describe(errnoOf(e) ?? "", e, path, what, op, dataDir ?? path);
  return new StateFileError(code, message.charAt(0).toUpperCase() + message.slice(1), path);
}

function describe(errno: string, e: unknown, path: string, what: string, op: "read" | "write", dataDir: string): [StateFileCode, string] {
  switch (errno) {
    case "ENOTDIR":
    case "EEXIST":
      return ["STATE_DIR_NOT_FOLDER", `the agent's data folder ${dataDir} is a file, or sits inside one${path === dataDir ? "" : `, so ${what} cannot be kept there`}. Move that file away, or pass --data-dir with a folder.`];
    case "EISDIR":
      return ["STATE_IS_FOLDER", `${what} (${path}) is a folder, not a file. Move that folder away; the agent then starts a new file.`];
    case "ENOSPC":
    case "EDQUOT":
      return ["STATE_DISK_FULL", `the disk holding ${what} (${path}) is full. Free some space, then try again.`];
    case "EROFS":
      return ["STATE_READ_ONLY", `${what} (${path}) is on a read-only disk. Pass --data-dir with a folder on a writable disk.`];
    case "EACCES":
    case "EPERM":
      return op === "read"
        ? ["STATE_UNREADABLE", `you are not allowed to read ${what} (${path}). Run the agent as the user who owns it, or give your account access to that file.`]
        : ["STATE_READ_ONLY", `you are not allowed to write ${what} (${path}). Run the agent as the user who owns it, or give your account access to that folder.`];
    default:
      return ["STATE_IO", `could not ${op} ${what} (${path}): ${errno || (e as Error | null)?.message || String(e)}.`];
  }
}
