/**
 * The typed events the classifiers make from log records. Privacy (eft-facts §8): events are built only from the
 * fields picked out by the classifiers, never from the raw message, so a profile id, account id, session cookie,
 * websocket channel id or a notification's payload (teammates' names, inventories) cannot ride along.
 */
import type { ServerErrorCategory } from "./error-codes.js";

interface Base {
  /** Timestamp as written in the log (or derived from the session folder for `session-start`). */
  at: string;
  epochMs: number;
  channel: string;
}

export type SessionMode = "regular" | "pve" | "pvp-season";

/** What a client-side network error text says failed (UnityWebRequest's error strings, see classify.ts). */
export type NetworkReasonKind = "dns" | "connect" | "tls" | "timeout" | "other";

/** Where a raid server's address was read. */
export type RaidServerSource = "application" | "traces" | "push-notifications" | "network-connection";

export type GameLogEvent = Base &
  (
    | { kind: "backend-request"; host: string; url: string }
    | { kind: "backend-response"; host: string; url: string; seconds: number | null }
    | {
        kind: "backend-error";
        host: string;
        url: string;
        result: string | null;
        isNetworkError: boolean | null;
        isHttpError: boolean | null;
        responseCode: number | null;
        /** The client's own error text (`error text: Cannot resolve destination host`), redacted and cut short. */
        reason: string | null;
        reasonKind: NetworkReasonKind | null;
      }
    | {
        kind: "backend-retry";
        host: string;
        url: string;
        retry: number;
        of: number;
        afterSec: number | null;
        /** Why it is retried (`Backend error: Cannot resolve destination host`): this is the diagnosis. */
        reason: string | null;
        reasonKind: NetworkReasonKind | null;
      }
    | { kind: "server-side-exception"; code: number; name: string; category: ServerErrorCategory; meaning: string; connectivity: boolean }
    | { kind: "nginx-error-page"; host: string | null; url: string | null }
    | { kind: "websocket-host"; host: string; url: string }
    | { kind: "websocket-error"; host: string | null; detail: string }
    | { kind: "session-mode"; mode: SessionMode | "unknown"; raw: string }
    | { kind: "matching-started"; marker: string }
    | { kind: "matching-completed"; marker: string }
    | { kind: "matching-aborted"; marker: string }
    | {
        kind: "raid-assigned";
        marker: string;
        source: RaidServerSource;
        ip: string;
        port: number | null;
        location: string | null;
        /** `Online` or `Local` (a local PvE raid has no raid server link). */
        raidMode: string | null;
        /** Data centre from the `Sid` prefix, e.g. `US-DAL03` from `US-DAL03G010_…`. */
        datacenter: string | null;
      }
    | { kind: "raid-started"; marker: string }
    | { kind: "raid-ended"; marker: string }
    /** Back in the main menu: the profile is selected again (`CompleteSelectedProfile`, older `SelectProfile`). */
    | { kind: "menu-return"; marker: string }
    | { kind: "raid-connect"; marker: string; address: string }
    | { kind: "raid-connected"; marker: string; address: string | null }
    | { kind: "raid-disconnected"; marker: string; address: string | null; reason: number | null }
    | { kind: "raid-timeout"; address: string | null; afterMs: number | null; what: "messages" | "connection" }
    | {
        kind: "raid-statistics";
        address: string | null;
        rtt: number | null;
        /** `lose` as printed (a fraction of packets; float noise such as `-1.164153E-10` reads 0). */
        lose: number | null;
        lossPercent: number | null;
        sent: number | null;
        received: number | null;
      }
    /** Synthesised by the tailer when it attaches to a (new) session folder: the game (re)started. */
    | { kind: "session-start"; marker: string; folder: string; version: string | null }
  );

export type GameLogEventKind = GameLogEvent["kind"];

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event without its timestamp and channel: what the per-channel classifiers produce. */
export type EventBody = DistributiveOmit<GameLogEvent, keyof Base>;
