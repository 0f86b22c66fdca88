import type { IngestBatch } from '../core/trace.js';
import type { RecentSession, TraceStore } from '../core/trace-store.js';
import type { Embedder } from '../embeddings/embedder.js';
import type { IngestQueue } from './ingest-queue.js';
import { DEFAULT_SIGNAL_OPTIONS, type SignalOptions } from './signals.js';
import { addSpans, type PendingTrace, traceKey } from './signals-pending.js';
import {
  checkRound,
  type DirtySession,
  type Round,
  recomputeRound,
  SessionStates,
  sessionKey,
} from './signals-round.js';

/** What /metrics tells of the tracker: sessions waiting now, and its counts since the start. */
export interface SignalStats {
  pending: number;
  /** Traces kept in memory for the sessions pending (at most `maxPendingTraces`). */
  pendingTraces: number;
  dropped: number;
  spilled: number;
  failures: number;
  recomputed: number;
  incremental: number;
  full: number;
}

export interface SignalTrackerOptions {
  embedder: Embedder;
  /**
   * Whether the embedder works off this thread (a decoding thread, a remote server): a round under
   * pressure then counts only its own time as the commit thread's, not its wait for the vectors.
   */
  embedsElsewhere?: boolean;
  signals?: SignalOptions;
  /**
   * Sessions waiting for a recompute at most (default 10,000); more are not taken now, and counted
   * (`dropped`): they are looked up in the store once their timeout has passed (`spilled`), or,
   * when feedback named them, taken by the next sweep with room.
   */
  maxPending?: number;
  /**
   * Sessions waiting past which rounds run without waiting for a quiet spell (default 1,000), taking
   * at most a fifth of the commit thread: under sustained traffic signals keep coming, for a few
   * milliseconds of acknowledgement latency a round.
   */
  pressure?: number;
  /**
   * Traces kept in all for the sessions waiting (default 20,000: ~10 MB, at ~500 bytes a trace). At
   * it, a session that gets a new trace drops those it kept and is read from the store when its round
   * comes, as one past 64 traces is. `maxPending` alone did not bound them: 10,000 sessions of 64
   * traces each held 287 MB (docs/benchmarks.md).
   */
  maxPendingTraces?: number;
  /** Sessions whose last turn is kept in memory to extend them without reading the store (default 10,000). */
  maxSessions?: number;
  /**
   * Sessions whose abandonment timeout is waited for in memory at most (default 200,000: ~25 MB).
   * Past it the one that has waited longest is looked up in the store instead, once its timeout
   * has passed (`spilled`). Without a bound, 30 minutes of sessions at a sustained rate would be
   * held: at 600 new sessions a second, over a million.
   */
  maxWaiting?: number;
  now?: () => number;
}

/**
 * How long the attached queue must be idle before a recompute starts, while fewer than `pressure`
 * sessions wait: then signals never slow acknowledgements.
 */
const QUIET_MS = 100;

const keyOf = sessionKey;

/** Sessions recomputed in one round (one transaction for all the extended ones). */
const ROUND = 256;
/** A round under pressure: smaller, so that the requests it delays wait less. */
const PRESSED_ROUND = 64;
/**
 * The share of the commit thread's time rounds take at most under pressure: after each, ingestion
 * has the thread (1 - share) / share times as long. Past what that share can recompute, sessions
 * pile up to `maxPending` and the rest are dropped and counted: under overload, acknowledgements
 * come first.
 */
const PRESSED_SHARE = 0.2;
/**
 * The longest pause after a round under pressure. A round's time is its wall time, which one slow
 * round stretches far past its own work (the embedder's vectors loading on the first, a remote
 * embedder's answer, a long collection): uncapped, the first round under load (2.1 s, its vectors
 * loading while requests went on) held every other back for 8 s, and sessions piled up by the
 * thousand (docs/benchmarks.md).
 */
const MAX_PRESSED_PAUSE_MS = 200;
/** New traces kept for one pending session at most; past that it is recomputed from the store. */
const MAX_PENDING_TRACES = 64;
/** Traces remembered as having had feedback before they were stored (their sessions are read in full). */
const MAX_EARLY_FEEDBACK = 10_000;

/** How far past its timeout a restart still looks for a session the sweep may have missed (a day). */
const RESTORE_LOOKBACK_MS = 24 * 3_600_000;
/**
 * Spilled sessions are kept as the minutes their last traces ended in, and looked up a minute of
 * traces (by their start) per query.
 */
const MINUTE_MS = 60_000;
/**
 * How long before its end a spilled session's last trace may have started without the tracker
 * noting when: the store is searched by traces' start (the index it has), and a session is spilled
 * with its last trace's end. A session whose last trace ran longer is spilled with that trace's
 * start too, and its minute is looked up from there (a day before its end at most).
 */
const SPILL_MARGIN_MS = 10 * MINUTE_MS;

/** A session's last trace: when it ended (its timeout runs from then) and when it started. */
interface LastTrace {
  endMs: number;
  startMs: number;
}

/**
 * What is kept of a session waiting for its timeout: its last trace's end, or that trace itself
 * when it ran longer than SPILL_MARGIN_MS (rare; its start is then needed to look it up if spilled).
 */
type Waiting = number | LastTrace;

const endOf = (w: Waiting): number => (typeof w === 'number' ? w : w.endMs);
const lastOf = (w: Waiting): LastTrace => (typeof w === 'number' ? { endMs: w, startMs: w } : w);
const waiting = (last: LastTrace): Waiting =>
  last.endMs - last.startMs > SPILL_MARGIN_MS ? last : last.endMs;

/**
 * Keeps signals current as traffic arrives: after each commit the sessions it touched (by their
 * spans, or by the trace a feedback names) are recomputed off the request path, in rounds of up to
 * 256 sessions (64 under pressure, when traffic leaves no quiet spell): extended by their new turns
 * from what is kept of each (signals-round.ts), or read from the store when that cannot be trusted.
 * A session's last conversation is abandoned only once its timeout has passed with no new message
 * (counted from its last trace's end): a sweep (an unref'd timer) recomputes those sessions then.
 * What is pending lives in memory and is rebuilt from the store on start (`restore`), so a restart
 * still marks abandonment at the timeout. Sessions memory cannot hold (past `maxPending` waiting for
 * a recompute, or `maxWaiting` for their timeout) are not lost: they are kept as the minutes their
 * last traces ended in, and the sweep looks them up in the store once their timeout has passed.
 */
export class SignalTracker {
  private readonly dirty = new Map<string, DirtySession>();
  /** The committed traces not yet taken by a round, by `traceKey`. */
  private readonly pending = new Map<string, PendingTrace>();
  private readonly earlyFeedback = new Set<string>();
  private readonly states: SessionStates;
  /**
   * Sessions waiting for their timeout, by `sessionKey`: when their last trace ended, in the order
   * they came (an entry moves to the end when its session has a new message). At most `maxWaiting`.
   */
  private readonly waitingTimeout = new Map<string, Waiting>();
  /**
   * The minutes (`ms / MINUTE_MS`, floored) in which the last traces of the sessions spilled to the
   * store ended, not looked up yet, each with the earliest start of those traces: only the traffic
   * of those minutes (and of the SPILL_MARGIN_MS before each, or back to that start) is read again,
   * a backfill's old minutes included, never the span between them.
   */
  private readonly spilledMinutes = new Map<number, number>();
  /**
   * Sessions with new feedback not taken for a recompute because too many were pending, by
   * `sessionKey`: recomputed in full by the next sweep with room (at most `maxPending`). A spilled
   * minute would not do: its lookup skips sessions whose signals were computed since their timeout.
   */
  private readonly feedbackLater = new Map<string, [projectId: string, sessionId: string]>();
  private readonly maxPending: number;
  private readonly maxPendingTraces: number;
  private readonly maxWaiting: number;
  private readonly options: SignalOptions;
  private readonly now: () => number;
  private readonly pressure: number;
  private readonly timer: NodeJS.Timeout;
  private chain: Promise<void> = Promise.resolve();
  private inFlight = 0;
  private scheduled = false;
  private closing = false;
  /** The queue whose commits are followed and whose quiet spells recomputes wait for (see `attach`). */
  private queue: IngestQueue | undefined;
  private stopWaiting: () => void = () => {};
  /** Called when `pressure` sessions are waiting: ends the wait for a quiet spell, after `pause`. */
  private pressed: (() => void) | undefined;
  /** How long ingestion has the thread, under pressure, after the last round (ms). */
  private pause = 0;
  /** The embedder rounds call: the configured one, timed when it works elsewhere (`embedWaitMs`). */
  private readonly roundEmbedder: Embedder;
  /** How long rounds have waited, in all, for an embedder working elsewhere (ms). */
  private embedWaitMs = 0;
  private readonly closed = new Promise<void>((resolve) => {
    this.stopWaiting = resolve;
  });
  /**
   * Sessions not taken for a recompute because too many were pending, sessions left to a store
   * lookup at their timeout (those of them with a trace's time, and those past `maxWaiting`),
   * recomputes that failed, and sessions recomputed (`incremental` of them extended from their kept
   * state, `full` read from the store).
   */
  readonly counts = { dropped: 0, spilled: 0, failures: 0, recomputed: 0, incremental: 0, full: 0 };

  constructor(
    private readonly store: TraceStore,
    private readonly tracker: SignalTrackerOptions,
  ) {
    this.options = tracker.signals ?? DEFAULT_SIGNAL_OPTIONS;
    this.now = tracker.now ?? Date.now;
    this.states = new SessionStates(tracker.maxSessions ?? 10_000);
    this.pressure = tracker.pressure ?? 1_000;
    this.maxPending = tracker.maxPending ?? 10_000;
    this.maxPendingTraces = tracker.maxPendingTraces ?? 20_000;
    this.maxWaiting = tracker.maxWaiting ?? 200_000;
    const { embedder } = tracker;
    this.roundEmbedder = !tracker.embedsElsewhere
      ? embedder
      : {
          id: embedder.id,
          embed: async (texts, options) => {
            const t0 = performance.now();
            try {
              return await embedder.embed(texts, options);
            } finally {
              this.embedWaitMs += performance.now() - t0;
            }
          },
        };
    this.timer = setInterval(() => this.sweep(), Math.min(this.options.abandonMs, 60_000));
    this.timer.unref();
  }

  /** How long ingestion has the commit thread after the last round under pressure (ms). */
  get pauseMs(): number {
    return this.pause;
  }

  stats(): SignalStats {
    return { pending: this.dirty.size, pendingTraces: this.pending.size, ...this.counts };
  }

  /** Subscribes to the queue's commits; recomputes then wait for the queue to be quiet. */
  attach(queue: IngestQueue): this {
    this.queue = queue;
    queue.observe((batch) => this.onCommit(batch));
    // The local embedder's vectors loaded now, not by the first round under traffic (~2 s of that
    // round's wall time under load). A remote embedder has nothing to load: no call is made for it.
    // A failure is the rounds' to report.
    const { embedder } = this.tracker;
    if (embedder.ready) this.enqueue(() => embedder.ready!().catch(() => {}));
    return this;
  }

  onCommit(batch: IngestBatch): void {
    const byTrace = new Map<string, IngestBatch['spans']>();
    for (const s of batch.spans) {
      const key = traceKey(s.projectId, s.traceId);
      const list = byTrace.get(key);
      if (list) list.push(s);
      else byTrace.set(key, [s]);
    }
    for (const [key, spans] of byTrace) {
      // When the session's timeout starts: its latest trace's end (the moment abandonment is judged
      // from); and when that trace started, as far as this commit tells.
      const last: LastTrace = { endMs: Number.NEGATIVE_INFINITY, startMs: Number.POSITIVE_INFINITY };
      for (const s of spans) {
        last.endMs = Math.max(last.endMs, s.endMs ?? s.startMs);
        last.startMs = Math.min(last.startMs, s.startMs);
      }
      const known = this.pending.get(key);
      if (known) addSpans(known, spans);
      else {
        // The trace's session, as the writer sets it: its first span's that has one.
        const sessionId = spans.find((s) => s.sessionId)?.sessionId;
        if (!sessionId) continue;
        const session = this.mark(spans[0]!.projectId, sessionId, last, true);
        if (!session || session.full) continue;
        if (session.traces.length >= MAX_PENDING_TRACES || this.pending.size >= this.maxPendingTraces) {
          this.forget(session);
          session.full = true;
          continue;
        }
        // The session's own strings, not the span's: every row brings copies of its own from the
        // decoding thread, and up to 64 traces of each of 10,000 sessions wait here.
        const trace: PendingTrace = {
          projectId: session.projectId,
          traceId: spans[0]!.traceId,
          sessionId: session.sessionId,
          spanCount: 0,
          endMs: Number.NEGATIVE_INFINITY,
        };
        addSpans(trace, spans);
        session.traces.push(trace);
        this.pending.set(key, trace);
      }
      // Every session the trace's spans name is marked (as before): one that does not own the
      // trace is only rechecked.
      const named = new Set<string>();
      for (const s of spans) if (s.sessionId) named.add(s.sessionId);
      for (const sessionId of named) this.mark(spans[0]!.projectId, sessionId, last, true);
    }
    if (batch.feedback.length > 0) this.enqueue(() => this.markFeedback(batch));
    this.kick();
  }

  /**
   * Picks up, after a restart, what the sweep was waiting for: sessions whose last trace ended less
   * than the timeout ago wait for it again (from that trace's end), and sessions whose timeout passed
   * while the server was down (no signal computed since) are recomputed now. Runs in the background,
   * like every recompute.
   */
  restore(): void {
    this.enqueue(async () => {
      const since = this.now() - this.options.abandonMs - RESTORE_LOOKBACK_MS;
      this.takeUp(await this.store.recentSessions(since), true);
    });
  }

  /**
   * Marks sessions whose last trace ended longer ago than the timeout for a recompute, and those
   * whose feedback found no room (as room allows), and looks up in the store the spilled sessions
   * whose timeout has passed.
   */
  sweep(): void {
    const horizon = this.now() - this.options.abandonMs;
    for (const [key, w] of this.waitingTimeout) {
      if (endOf(w) > horizon) continue;
      this.waitingTimeout.delete(key);
      const [projectId, sessionId] = JSON.parse(key) as [string, string];
      this.mark(projectId, sessionId, lastOf(w), false);
    }
    for (const [key, [projectId, sessionId]] of this.feedbackLater) {
      // One pending already (its timeout just came) is read in full now; others need room.
      if (this.dirty.size >= this.maxPending && !this.dirty.has(key)) continue;
      this.feedbackLater.delete(key);
      this.mark(projectId, sessionId, undefined, false, true);
    }
    // Those recomputed first: the lookups then find room among the pending.
    this.kick();
    // Spilled minutes whose every session's timeout has passed, looked up run by run of
    // consecutive minutes (each run from SPILL_MARGIN_MS before it).
    const due = [...this.spilledMinutes]
      .filter(([m]) => (m + 1) * MINUTE_MS <= horizon + 1)
      .sort((a, b) => a[0] - b[0]);
    for (const [m] of due) this.spilledMinutes.delete(m);
    for (let i = 0; i < due.length; ) {
      let last = i;
      while (last + 1 < due.length && due[last + 1]![0] === due[last]![0] + 1) last += 1;
      const run = due.slice(i, last + 1);
      this.enqueue(() => this.lookUp(run));
      i = last + 1;
    }
  }

  /**
   * Looks up the sessions of a run of spilled minutes (each with the earliest start of its sessions'
   * last traces) in the store, a minute of traces a query, each minute's sessions recomputed before
   * the next is read (they then find room among the pending). A run whose lookup fails is spilled
   * again, for the next sweep.
   */
  private async lookUp(minutes: [minute: number, startMs: number][]): Promise<void> {
    const until = (minutes[minutes.length - 1]![0] + 1) * MINUTE_MS;
    let from = minutes[0]![0] * MINUTE_MS - SPILL_MARGIN_MS;
    for (const [, startMs] of minutes) from = Math.min(from, Math.floor(startMs / MINUTE_MS) * MINUTE_MS);
    try {
      for (let since = from; since < until; since += MINUTE_MS) {
        this.takeUp(await this.store.recentSessions(since, since + MINUTE_MS), false);
        await this.drainDirty();
      }
    } catch {
      this.counts.failures += 1;
      for (const [m, startMs] of minutes) this.spillMinute(m, startMs);
    }
  }

  /**
   * Takes up sessions found in the store: those whose timeout has passed with no signal computed
   * since are marked for a recompute; those whose timeout is still to come wait for it (`wait`, on
   * a restart) or are left to the sweep that finds them (a spilled session's later trace).
   */
  private takeUp(sessions: RecentSession[], wait: boolean): void {
    const now = this.now();
    for (const s of sessions) {
      const due = s.lastMs + this.options.abandonMs;
      // Its last trace started no later than its longest one would have.
      const last = { endMs: s.lastMs, startMs: s.lastMs - s.longestMs };
      if (due > now) {
        if (wait) this.waitFor(keyOf(s.projectId, s.sessionId), last);
      } else if (s.computedMs === null || s.computedMs < due)
        this.mark(s.projectId, s.sessionId, last, false);
    }
    this.kick();
  }

  /** Resolves once every pending recompute is done. */
  async settled(): Promise<void> {
    while (this.inFlight > 0) await this.chain;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.closing = true;
    this.stopWaiting();
    await this.settled();
  }

  /**
   * Marks a session for a recompute; `last` is its last trace when known (feedback does not tell
   * it), and with `wait` its timeout is waited for from that trace's end. A session not taken
   * because too many are pending is spilled with it: looked up in the store at its timeout.
   */
  private mark(
    projectId: string,
    sessionId: string,
    last: LastTrace | undefined,
    wait: boolean,
    full = false,
  ): DirtySession | undefined {
    const key = keyOf(projectId, sessionId);
    let session = this.dirty.get(key);
    if (!session) {
      if (this.dirty.size >= this.maxPending) {
        this.counts.dropped += 1;
        if (last) this.spill(last);
        return undefined;
      }
      session = { projectId, sessionId, full: false, traces: [] };
      this.dirty.set(key, session);
      if (this.dirty.size === this.pressure) this.pressed?.();
    }
    if (full && !session.full) {
      this.forget(session);
      session.full = true;
    }
    if (wait && last) this.waitFor(key, last);
    return session;
  }

  /**
   * Waits for a session's timeout from its last trace's end (a trace that comes out of order does
   * not bring it forward), within `maxWaiting`: past it the longest-waiting is spilled.
   */
  private waitFor(key: string, last: LastTrace): void {
    const known = this.waitingTimeout.get(key);
    this.waitingTimeout.delete(key);
    this.waitingTimeout.set(key, known !== undefined && endOf(known) >= last.endMs ? known : waiting(last));
    if (this.waitingTimeout.size <= this.maxWaiting) return;
    const [oldest, w] = this.waitingTimeout.entries().next().value as [string, Waiting];
    this.waitingTimeout.delete(oldest);
    this.spill(lastOf(w));
  }

  /**
   * Leaves a session to a store lookup once the timeout from its last trace's end has passed
   * (`sweep`). Within a restart's reach (a day either side of the server's clock), so that the
   * minutes kept stay few; its last trace is looked for from its start, a day before its end at most.
   */
  private spill(last: LastTrace): void {
    const now = this.now();
    if (Math.abs(now - last.endMs) > this.options.abandonMs + RESTORE_LOOKBACK_MS) return;
    this.counts.spilled += 1;
    this.spillMinute(
      Math.floor(last.endMs / MINUTE_MS),
      Math.max(Math.min(last.startMs, last.endMs), last.endMs - RESTORE_LOOKBACK_MS),
    );
  }

  /** Adds a minute to look up, from `startMs` if that is earlier than it was to be. */
  private spillMinute(minute: number, startMs: number): void {
    const known = this.spilledMinutes.get(minute);
    this.spilledMinutes.set(minute, known === undefined ? startMs : Math.min(known, startMs));
  }

  /** Drops a session's pending traces (it is to be read from the store). */
  private forget(session: DirtySession): void {
    for (const t of session.traces) this.pending.delete(traceKey(t.projectId, t.traceId));
    session.traces = [];
  }

  private async markFeedback(batch: IngestBatch): Promise<void> {
    for (const f of batch.feedback) {
      const trace = await this.store.getTrace(f.projectId, f.traceId);
      if (trace?.sessionId) {
        const taken = this.mark(f.projectId, trace.sessionId, undefined, false, true);
        if (!taken && this.feedbackLater.size < this.maxPending)
          this.feedbackLater.set(keyOf(f.projectId, trace.sessionId), [f.projectId, trace.sessionId]);
      } else if (!trace) {
        // Feedback before its trace: when the trace comes, only the store knows it was liked.
        if (this.earlyFeedback.size >= MAX_EARLY_FEEDBACK) this.earlyFeedback.clear();
        this.earlyFeedback.add(traceKey(f.projectId, f.traceId));
      }
    }
    this.kick();
  }

  /** Runs `work` after everything enqueued before it: one recompute at a time, never concurrent. */
  private enqueue(work: () => Promise<void>): void {
    this.inFlight += 1;
    this.chain = this.chain
      .then(work)
      .catch(() => {
        this.counts.failures += 1;
      })
      .finally(() => {
        this.inFlight -= 1;
      });
  }

  private kick(): void {
    if (this.dirty.size === 0 || this.scheduled) return;
    this.scheduled = true;
    this.enqueue(async () => {
      this.scheduled = false;
      await this.drainDirty();
    });
  }

  /** Takes up to `size` dirty sessions with their pending traces, and what the store holds of them. */
  private async takeRounds(size: number): Promise<Round[]> {
    const byProject = new Map<string, DirtySession[]>();
    let taken = 0;
    for (const [key, session] of this.dirty) {
      if (taken++ >= size) break;
      this.dirty.delete(key);
      for (const t of session.traces) this.pending.delete(traceKey(t.projectId, t.traceId));
      const list = byProject.get(session.projectId) ?? [];
      list.push(session);
      byProject.set(session.projectId, list);
    }
    const rounds: Round[] = [];
    for (const [projectId, sessions] of byProject) {
      try {
        rounds.push(await checkRound(this.store, projectId, sessions));
      } catch {
        this.counts.failures += sessions.length;
      }
    }
    return rounds;
  }

  private async drainDirty(): Promise<void> {
    while (this.dirty.size > 0) {
      // Ingestion first: a recompute reads the store on this thread. A quiet spell (100 ms without
      // ingest work), not just a gap between two requests; once in one, the next rounds go on
      // without waiting again. Under pressure (traffic that leaves no quiet spell) rounds go on
      // anyway, taking at most PRESSED_SHARE of the thread (or a quiet spell, whichever is first).
      if (this.queue && !this.closing) {
        const pressed = new Promise<void>((resolve) => {
          this.pressed = () => {
            this.pressed = undefined;
            setTimeout(resolve, this.pause);
          };
          if (this.dirty.size >= this.pressure) this.pressed();
        });
        await Promise.race([this.queue.quiet(QUIET_MS), this.closed, pressed]);
        this.pressed = undefined;
      }
      // The round's own time, from when the commits let it start (waiting for one is ingestion's),
      // less its wait for an embedder working elsewhere (the commit thread is free meanwhile).
      let started = performance.now();
      const waitedBefore = this.embedWaitMs;
      const size = this.dirty.size >= this.pressure ? PRESSED_ROUND : ROUND;
      const take = () => {
        started = performance.now();
        return this.takeRounds(size);
      };
      const rounds = this.queue ? await this.queue.between(take) : await take();
      for (const round of rounds) {
        try {
          const done = await recomputeRound(this.store, round, this.states, {
            embedder: this.roundEmbedder,
            signals: this.options,
            maxTraces: 200,
            now: this.now,
            hadEarlyFeedback: (p, t) => this.earlyFeedback.has(traceKey(p, t)),
          });
          this.counts.incremental += done.incremental;
          this.counts.full += done.full;
          this.counts.recomputed += done.incremental + done.full;
          this.counts.failures += done.failures;
        } catch {
          this.counts.failures += round.sessions.length;
          for (const s of round.sessions) this.states.take(keyOf(round.projectId, s.sessionId));
        }
      }
      const wall = performance.now() - started - (this.embedWaitMs - waitedBefore);
      this.pause = Math.min(MAX_PRESSED_PAUSE_MS, (wall * (1 - PRESSED_SHARE)) / PRESSED_SHARE);
    }
  }
}
