/**
 * Escape from Tarkov game-log parsing (eft-facts §5): one import for the rest of the agent. Pure: bytes come in from
 * src/game/tail.ts, nothing here touches the world. The parts, one idea each:
 * - eft-log/records.ts      record heads and continuation lines
 * - eft-log/urls.ts         URLs in lines: where they end, their host, BSG or not, redaction
 * - eft-log/error-codes.ts  backend error codes and HTTP status names, each entry with its source
 * - eft-log/events.ts       the typed event union
 * - eft-log/classify.ts     records → events, channel by channel
 * - eft-log/evidence.ts     diagnosis triggers, live hosts, the sentences support reads
 * - eft-log/raid-state.ts   the raid phase from real markers
 */
export * from "./eft-log/records.js";
export * from "./eft-log/urls.js";
export * from "./eft-log/error-codes.js";
export * from "./eft-log/events.js";
export * from "./eft-log/classify.js";
export * from "./eft-log/evidence.js";
export * from "./eft-log/raid-state.js";
