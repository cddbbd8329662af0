/**
 * What src/game needs from the outside world, as small interfaces: the real adapters live next to their users
 * (install.ts, tail.ts), tests pass fakes or real temp folders.
 */

/** The part of the agent's logger the game code uses; winston's Logger satisfies it. */
export interface GameLogger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
}

/** Logs nothing: the default when no logger is given. */
export const silentLogger: GameLogger = { debug() {}, info() {}, warn() {} };
