/**
 * Follows the game's live logs (eft-facts §5.1): the newest `log_*` session folder under the logs folder, and in it
 * the backend, application, network-connection, push-notifications and (0.16.x) traces files as they grow. The
 * `output` and `errors` files are not read: `output` repeats every other channel (its lines would count twice) and
 * the raid's end shows on the channels above (network-connection `Disconnect`, push `UserMatchOver`, application
 * `CompleteSelectedProfile`, backend `/client/match/local/end`); the end markers that live only there
 * (`OnGameSessionEnd`, `GameStopped …`) are stack frames or early-1.0 lines that the channels above duplicate.
 * Polling with `stat` (about once a second) instead of fs.watch: it behaves the same on every Windows file system,
 * and when idle it costs a handful of stats per poll. Only new bytes are read; partial lines wait for their newline; truncation,
 * replacement and files that appear later are handled; a new session folder (the game restarted) is switched to.
 *
 * Existing content is not replayed as events (old errors are not live evidence): the tailer starts at the end of the
 * files it finds at start-up, reads the recent tail once to seed the raid state, and summarises it on request.
 * Nothing here throws out of the poll loop: unreadable files are logged once and retried.
 */
import path from "node:path";
import { StringDecoder } from "node:string_decoder";
import {
  RaidStateTracker,
  RecordAssembler,
  classifyRecord,
  observedHost,
  parseRecords,
  shouldDiagnose,
  type FileChannel,
  type GameLogEvent,
  type GameLogEventKind,
  type LogRecord,
  type ObservedHost,
  type PhaseChange,
  type RaidState,
  type SessionMode,
} from "../core/eft-log.js";
import {
  TAIL_CHANNELS,
  channelOfFile,
  newestSessionFolder,
  nodeTailFs,
  sessionFolderVersion,
  sessionStartEvent,
  type TailChannel,
  type TailFsPort,
  type TailStat,
} from "./log-files.js";
import { silentLogger, type GameLogger } from "./ports.js";

export {
  TAIL_CHANNELS,
  channelOfFile,
  newestSessionFolder,
  nodeTailFs,
  sessionFolderTime,
  sessionFolderVersion,
  sessionStartEvent,
  type TailChannel,
  type TailFsPort,
  type TailStat,
} from "./log-files.js";

// ---------------------------------------------------------------------------------------------------------------
// Tailer

export interface TailerOptions {
  /** Folder holding the `log_*` session folders (from findGame). */
  logsDir: string;
  /** Called for every parsed event, in time order within a poll. */
  onEvent: (e: GameLogEvent) => void;
  /**
   * Called when the raid phase changes: from live events, a new session, staleness, or (once, at start-up) when the
   * recent log shows a raid or matching already under way.
   */
  onRaidPhase?: (change: PhaseChange & { state: RaidState }) => void;
  /**
   * Called once at start-up with the recent raid bookkeeping read to seed the raid state (history, not live
   * evidence: never a trigger). The game watch takes the raid servers from it.
   */
  onHistory?: (events: readonly GameLogEvent[]) => void;
  pollMs?: number;
  /** Re-list folders at least this often even when their mtime did not change (coarse-mtime file systems). */
  rescanMs?: number;
  /** Most bytes read from one file in one poll; a bigger burst is read over the next polls. */
  maxReadBytes?: number;
  /** How much of each file's end is read to seed the raid state and for recentHistory(). */
  historyBytes?: number;
  fs?: TailFsPort;
  log?: GameLogger;
  now?: () => number;
}

interface Tracked {
  channel: TailChannel;
  name: string;
  path: string;
  offset: number;
  ino: number;
  decoder: StringDecoder;
  /** Text after the last newline: a line still being written. */
  partial: string;
  asm: RecordAssembler;
}

interface Session {
  folder: string;
  path: string;
  dirMtimeMs: number;
  listedAt: number;
  files: Map<TailChannel, Tracked>;
  /** Attached at start-up and not listed yet: its existing content is history, so start at the end. */
  initial: boolean;
}

/** A short look back at the current session, for a report or the first diagnosis after start-up. */
export interface RecentHistory {
  session: string | null;
  version: string | null;
  /** Events that would have triggered a diagnosis, plus raid assignments and disconnects; newest last. */
  notable: GameLogEvent[];
  counts: Partial<Record<GameLogEventKind, number>>;
  hosts: ObservedHost[];
  mode: SessionMode | null;
  raid: RaidState;
}

/** Records from `traces.log` are read for the raid server only, whatever channel their lines name. */
const fileChannelOf = (c: TailChannel): FileChannel | undefined => (c === "traces" ? "traces" : undefined);

const errCode = (err: unknown): string =>
  err !== null && typeof err === "object" && "code" in err ? String((err as { code: unknown }).code) : err instanceof Error ? err.message : String(err);

/** Tails the current EFT session's logs and turns them into events. */
export class GameLogTailer {
  readonly #o: Required<Omit<TailerOptions, "onRaidPhase" | "onHistory" | "log" | "fs" | "now">>;
  readonly #onRaidPhase: TailerOptions["onRaidPhase"];
  readonly #onHistory: TailerOptions["onHistory"];
  readonly #fs: TailFsPort;
  readonly #log: GameLogger;
  readonly #now: () => number;
  readonly #raid = new RaidStateTracker();
  #session: Session | null = null;
  #rootMtimeMs = -1;
  #rootListedAt = -Infinity;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  /** The poll loop is scheduled. */
  #looping = false;
  /** stop() was called: nothing more is emitted. */
  #halted = false;
  /** Problems already logged, so a missing folder is reported once, not every second. */
  #warned = new Set<string>();

  constructor(opts: TailerOptions) {
    this.#o = {
      logsDir: opts.logsDir,
      onEvent: opts.onEvent,
      pollMs: opts.pollMs ?? 1_000,
      rescanMs: opts.rescanMs ?? 10_000,
      maxReadBytes: opts.maxReadBytes ?? 4 * 1024 * 1024,
      historyBytes: opts.historyBytes ?? 256 * 1024,
    };
    this.#onRaidPhase = opts.onRaidPhase;
    this.#onHistory = opts.onHistory;
    this.#fs = opts.fs ?? nodeTailFs;
    this.#log = opts.log ?? silentLogger;
    this.#now = opts.now ?? Date.now;
  }

  /** Starts polling (first poll at once). */
  start(): void {
    if (this.#looping) return;
    this.#looping = true;
    this.#halted = false;
    const loop = (): void => {
      void this.poll().finally(() => {
        if (this.#looping) {
          this.#timer = setTimeout(loop, this.#o.pollMs);
          this.#timer.unref();
        }
      });
    };
    loop();
  }

  /** Stops polling; no event is emitted after this returns. */
  stop(): void {
    this.#looping = false;
    this.#halted = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** The session folder being followed, if any. */
  get session(): { folder: string; version: string | null } | null {
    return this.#session ? { folder: this.#session.folder, version: sessionFolderVersion(this.#session.folder) } : null;
  }

  /** Current raid phase and server. */
  get raidState(): RaidState {
    return this.#raid.state;
  }

  /** True while matching or in a raid: hold non-urgent toasts. */
  get busy(): boolean {
    return this.#raid.busy;
  }

  /** One poll; concurrent calls share the running one. Never rejects. */
  poll(): Promise<void> {
    this.#running ??= this.#pollOnce()
      .catch((err: unknown) => this.#warnOnce("poll", "game log poll failed", { error: errCode(err) }))
      .finally(() => {
        this.#running = null;
      });
    return this.#running;
  }

  async #pollOnce(): Promise<void> {
    const now = this.#now();
    const batch: GameLogEvent[] = [];
    await this.#checkRoot(now, batch);
    const s = this.#session;
    if (!s) return;
    await this.#checkSessionFiles(s, now, batch);
    // In channel order, so the stable sort in #emit puts an assignment before the Connect logged the same ms.
    for (const ch of TAIL_CHANNELS) {
      const t = s.files.get(ch);
      if (t) await this.#readNew(t, batch);
    }
    this.#emit(batch);
    this.#applyRaid(this.#raid.expire(now));
  }

  #warnOnce(key: string, msg: string, meta: Record<string, unknown>): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.#log.warn(msg, meta);
  }

  #ok(key: string): void {
    this.#warned.delete(key);
  }

  /** Notices a new session folder (the game restarted) and switches to it. */
  async #checkRoot(now: number, out: GameLogEvent[]): Promise<void> {
    const root = this.#o.logsDir;
    let st: TailStat;
    try {
      st = await this.#fs.stat(root);
      this.#ok("root");
    } catch (err) {
      this.#warnOnce("root", "game logs folder not readable yet; retrying", { logsDir: root, error: errCode(err) });
      return;
    }
    if (st.mtimeMs === this.#rootMtimeMs && now - this.#rootListedAt < this.#o.rescanMs && this.#session) return;
    let names: string[];
    try {
      names = (await this.#fs.list(root)).filter((e) => e.isDirectory).map((e) => e.name);
      this.#ok("root-list");
    } catch (err) {
      this.#warnOnce("root-list", "cannot list game logs folder; retrying", { logsDir: root, error: errCode(err) });
      return;
    }
    this.#rootMtimeMs = st.mtimeMs;
    this.#rootListedAt = now;
    const newest = newestSessionFolder(names);
    if (newest === null || newest === this.#session?.folder) return;
    const old = this.#session;
    if (old) {
      // The old session's last lines (the game's final words before it exited) still count.
      for (const t of old.files.values()) {
        await this.#readNew(t, out);
        out.push(...this.#flush(t));
      }
      this.#emit(out.splice(0));
    }
    // At start-up the session's existing content is history: start at the end. A folder that appears later is a
    // new game start, and all of it is live.
    this.#session = { folder: newest, path: path.join(root, newest), dirMtimeMs: -1, listedAt: -Infinity, files: new Map(), initial: old === null };
    this.#log.info("following game session", { folder: newest });
    if (old) this.#emit([sessionStartEvent(newest)]);
  }

  /** Picks the current file of each channel; a channel whose file appears or rotates later is read from 0. */
  async #checkSessionFiles(s: Session, now: number, out: GameLogEvent[]): Promise<void> {
    let st: TailStat;
    try {
      st = await this.#fs.stat(s.path);
    } catch (err) {
      this.#warnOnce(`dir:${s.path}`, "game session folder not readable; retrying", { folder: s.folder, error: errCode(err) });
      return;
    }
    if (st.mtimeMs === s.dirMtimeMs && now - s.listedAt < this.#o.rescanMs) return;
    let entries: Array<{ name: string; isDirectory: boolean }>;
    try {
      entries = await this.#fs.list(s.path);
      this.#ok(`dir:${s.path}`);
    } catch (err) {
      this.#warnOnce(`dir:${s.path}`, "cannot list game session folder; retrying", { folder: s.folder, error: errCode(err) });
      return;
    }
    s.dirMtimeMs = st.mtimeMs;
    s.listedAt = now;
    const best = new Map<TailChannel, { name: string; index: number }>();
    for (const e of entries) {
      if (e.isDirectory) continue;
      const c = channelOfFile(e.name);
      if (!c) continue;
      const cur = best.get(c.channel);
      if (!cur || c.index > cur.index || (c.index === cur.index && e.name > cur.name)) best.set(c.channel, { name: e.name, index: c.index });
    }
    let allOk = true;
    for (const [channel, { name }] of best) {
      const old = s.files.get(channel);
      if (old?.name === name) continue;
      const p = path.join(s.path, name);
      let offset = 0;
      let ino = 0;
      try {
        const fst = await this.#fs.stat(p);
        ino = fst.ino;
        if (s.initial) offset = fst.size;
      } catch (err) {
        this.#warnOnce(`file:${p}`, "game log file not readable; retrying", { file: name, error: errCode(err) });
        allOk = false;
        continue;
      }
      if (old) {
        // Rotated to a new file: finish the old one first.
        await this.#readNew(old, out);
        out.push(...this.#flush(old));
      }
      this.#log.debug("tailing game log", { channel, file: name, offset });
      // A notification's payload (group invites carry whole inventories) is never read past a UserConfirmed's
      // first lines: keep little of it.
      const asm = new RecordAssembler(channel === "push-notifications" ? 40 : 200);
      s.files.set(channel, { channel, name, path: p, offset, ino, decoder: new StringDecoder("utf8"), partial: "", asm });
    }
    if (!allOk) s.dirMtimeMs = -1; // list again next poll
    if (s.initial && allOk) {
      s.initial = false;
      await this.#seedRaidState(s);
    }
  }

  /** Reads the bytes appended since last time; completes the open record when the file went quiet. */
  async #readNew(t: Tracked, out: GameLogEvent[]): Promise<void> {
    let st: TailStat;
    try {
      st = await this.#fs.stat(t.path);
      this.#ok(`file:${t.path}`);
    } catch (err) {
      this.#warnOnce(`file:${t.path}`, "game log file not readable; retrying", { file: t.name, error: errCode(err) });
      return;
    }
    const replaced = t.ino !== 0 && st.ino !== 0 && st.ino !== t.ino;
    if (st.size < t.offset || replaced) {
      this.#log.info("game log file truncated or replaced; reading it from the start", { file: t.name });
      out.push(...this.#flush(t));
      t.offset = 0;
      t.ino = st.ino;
      t.decoder = new StringDecoder("utf8");
      t.partial = "";
    }
    if (st.size === t.offset) {
      // Quiet since the last poll: the last record is complete.
      const rec = t.asm.flush();
      if (rec) this.#classifyInto(rec, t, out);
      return;
    }
    let buf: Buffer;
    try {
      buf = await this.#fs.read(t.path, t.offset, Math.min(st.size - t.offset, this.#o.maxReadBytes));
      this.#ok(`read:${t.path}`);
    } catch (err) {
      this.#warnOnce(`read:${t.path}`, "game log file not readable; retrying", { file: t.name, error: errCode(err) });
      return;
    }
    t.offset += buf.length;
    const lines = (t.partial + t.decoder.write(buf)).split("\n");
    t.partial = lines.pop() ?? "";
    for (const line of lines) {
      const rec = t.asm.push(line.endsWith("\r") ? line.slice(0, -1) : line);
      if (rec) this.#classifyInto(rec, t, out);
    }
  }

  #classifyInto(rec: LogRecord, t: Tracked, out: GameLogEvent[]): void {
    try {
      const e = classifyRecord(rec, fileChannelOf(t.channel));
      if (e) out.push(e);
    } catch (err) {
      // A parser bug on one odd line must not stop the tail.
      this.#warnOnce("classify", "skipped a game log record the parser could not handle", { channel: rec.channel, error: errCode(err) });
    }
  }

  /** Completes a file's pending record (before it is abandoned). */
  #flush(t: Tracked): GameLogEvent[] {
    const out: GameLogEvent[] = [];
    const rec = t.asm.flush();
    if (rec) this.#classifyInto(rec, t, out);
    return out;
  }

  #emit(batch: GameLogEvent[]): void {
    if (batch.length === 0) return;
    // Files are read one after another; sort so the raid tracker and listeners see time order (stable: ties keep
    // the order of TAIL_CHANNELS, application before network-connection).
    batch.sort((a, b) => a.epochMs - b.epochMs);
    for (const e of batch) {
      if (this.#halted) return;
      this.#applyRaid(this.#raid.update(e));
      try {
        this.#o.onEvent(e);
      } catch (err) {
        this.#warnOnce("listener", "game log listener threw", { error: errCode(err) });
      }
    }
  }

  #applyRaid(change: PhaseChange | null): void {
    if (!change || this.#halted) return;
    this.#log.info("raid phase", { ...change, at: new Date(change.at).toISOString() });
    try {
      this.#onRaidPhase?.({ ...change, state: this.#raid.state });
    } catch (err) {
      this.#warnOnce("listener", "game log listener threw", { error: errCode(err) });
    }
  }

  /** Events in the last `historyBytes` of a file, up to `end`. */
  async #historyEvents(t: Tracked, end: number): Promise<GameLogEvent[]> {
    const start = Math.max(0, end - this.#o.historyBytes);
    if (end <= start) return [];
    try {
      let text = (await this.#fs.read(t.path, start, end - start)).toString("utf8");
      // Drop the first, probably partial, line unless we read from the very start.
      if (start > 0) text = text.slice(text.indexOf("\n") + 1);
      return parseRecords(text).flatMap((r) => {
        try {
          return classifyRecord(r, fileChannelOf(t.channel)) ?? [];
        } catch {
          return [];
        }
      });
    } catch (err) {
      this.#warnOnce(`file:${t.path}`, "game log file not readable; retrying", { file: t.name, error: errCode(err) });
      return [];
    }
  }

  /**
   * At start-up: replay the recent raid bookkeeping (not as events) so a raid already running is known, and say so
   * once (`start-up: <what put it there>`) when it is.
   */
  async #seedRaidState(s: Session): Promise<void> {
    const evs: GameLogEvent[] = [];
    for (const ch of ["application", "network-connection", "push-notifications", "traces"] as const) {
      const t = s.files.get(ch);
      if (t) evs.push(...(await this.#historyEvents(t, t.offset)));
    }
    evs.sort((a, b) => a.epochMs - b.epochMs);
    try {
      this.#onHistory?.(evs);
    } catch (err) {
      this.#warnOnce("listener", "game log listener threw", { error: errCode(err) });
    }
    let last: PhaseChange | null = null;
    for (const e of evs) last = this.#raid.update(e) ?? last;
    this.#raid.expire(this.#now());
    if (this.#raid.busy && last !== null) {
      this.#log.info("game already in a raid or matching at start-up", { phase: this.#raid.state.phase });
      this.#applyRaid({ from: "idle", to: this.#raid.state.phase, at: this.#raid.state.since, source: `start-up: ${last.source}` });
    }
  }

  /** Summarises the end of the current session's logs (read on demand, not kept). */
  async recentHistory(maxNotable = 20): Promise<RecentHistory> {
    const s = this.#session;
    const evs: GameLogEvent[] = [];
    if (s) {
      for (const t of s.files.values()) {
        let end = t.offset;
        try {
          end = (await this.#fs.stat(t.path)).size;
        } catch {
          // keep the last known offset
        }
        evs.push(...(await this.#historyEvents(t, end)));
      }
    }
    return summarizeHistory(evs, s?.folder ?? null, maxNotable);
  }
}

/** Pure summary of a list of events (see RecentHistory). */
export function summarizeHistory(events: readonly GameLogEvent[], folder: string | null, maxNotable = 20): RecentHistory {
  const sorted = [...events].sort((a, b) => a.epochMs - b.epochMs);
  const counts: Partial<Record<GameLogEventKind, number>> = {};
  const hosts = new Map<string, ObservedHost>();
  const raid = new RaidStateTracker();
  let mode: SessionMode | null = null;
  const notable: GameLogEvent[] = [];
  for (const e of sorted) {
    counts[e.kind] = (counts[e.kind] ?? 0) + 1;
    const h = observedHost(e);
    if (h) hosts.set(`${h.role}:${h.host}`, h);
    if (e.kind === "session-mode" && e.mode !== "unknown") mode = e.mode;
    raid.update(e);
    if (shouldDiagnose(e) || e.kind === "raid-assigned" || e.kind === "raid-disconnected") notable.push(e);
  }
  return {
    session: folder,
    version: folder ? sessionFolderVersion(folder) : null,
    notable: notable.slice(-maxNotable),
    counts,
    hosts: [...hosts.values()],
    mode,
    raid: raid.state,
  };
}
