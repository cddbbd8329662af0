/**
 * The monitor's sense of time and place: the injectable clock, one-shot named timers that check for a sleep or
 * clock jump before they fire, and the network signature whose change means "the machine moved networks".
 */
import { networkInterfaces, type NetworkInterfaceInfo } from "node:os";

/** Time and timers, injectable so tests can drive them (vitest fake timers) and simulate a sleeping laptop. */
export interface MonitorClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock. */
export const systemClock: MonitorClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * A digest of the machine's network: interface names with their IPv4 addresses, and which interfaces have a
 * global IPv6 address. IPv6 addresses themselves are left out because Windows rotates temporary (privacy)
 * addresses daily, which would look like a network change. Wi-Fi roaming, a VPN or a cable change alter it.
 */
export function networkSignatureOf(ifaces: NodeJS.Dict<NetworkInterfaceInfo[]>): string {
  return Object.entries(ifaces)
    .flatMap(([name, infos]) =>
      (infos ?? [])
        .filter((i) => !i.internal)
        .map((i) => (i.family === "IPv4" ? `${name}=${i.address}` : /^fe80:/i.test(i.address) ? null : `${name}=v6`))
        .filter((x): x is string => x !== null),
    )
    .filter((x, i, all) => all.indexOf(x) === i)
    .sort()
    .join(",");
}

/** {@link networkSignatureOf} for this machine; the production `networkSignature` dependency. */
export function osNetworkSignature(): string {
  return networkSignatureOf(networkInterfaces());
}

export type TimerName = "round" | "liveness" | "suspect" | "status" | "resume" | "reminder";

/** The monitor's named one-shot timers: arming a name replaces its previous timer. */
export interface MonitorTimers {
  /** Arms `name`; when it fires, `beforeFire(name, due)` may swallow it (a detected sleep/clock jump). */
  arm(name: TimerName, ms: number, fn: () => void): void;
  disarm(name: TimerName): void;
  disarmAll(): void;
}

/**
 * Named timers over `clock`. Each callback runs inside `guard` (a throwing step is logged, never fatal), after
 * `beforeFire` had the chance to notice that the timer fired far too late or too early.
 */
export function createTimers(
  clock: MonitorClock,
  guard: (what: string, fn: () => void) => void,
  beforeFire: (name: TimerName, due: number) => boolean,
): MonitorTimers {
  const timers = new Map<TimerName, { handle: unknown; due: number }>();

  function disarm(name: TimerName): void {
    const t = timers.get(name);
    if (t) clock.clearTimeout(t.handle);
    timers.delete(name);
  }

  return {
    arm(name, ms, fn) {
      disarm(name);
      const due = clock.now() + Math.max(0, ms);
      const handle = clock.setTimeout(() => {
        if (timers.get(name)?.handle !== handle) return;
        timers.delete(name);
        guard(name, () => {
          if (beforeFire(name, due)) return;
          fn();
        });
      }, Math.max(0, ms));
      timers.set(name, { handle, due });
    },
    disarm,
    disarmAll() {
      for (const name of [...timers.keys()]) disarm(name);
    },
  };
}
