import type { IngestBatch } from '../core/trace.js';
import type { TraceStore } from '../core/trace-store.js';
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
  dropped: number;
  timeoutsDropped: number;
  failures: number;
  recomputed: number;
  incremental: number;
  full: number;
}

export interface SignalTrackerOptions {
  embedder: Embedder;
  signals?: SignalOptions;
  /** Sessions waiting for a recompute at most; more are dropped and counted (default 10,000). */
  maxPending?: number;
  /**
   * Sessions waiting past which rounds run without waiting for a quiet spell (default 1,000), taking
   * at most a fifth of the commit thread: under sustained traffic signals keep coming, for a few
   * milliseconds of acknowledgement latency a round.
   */
  pressure?: number;
  /** Sessions whose last turn is kept in memory to extend them without reading the store (default 10,000). */
  maxSessions?: number;
  /**
   * Sessions waiting for their abandonment timeout at most (default 200,000: ~25 MB). Past it the
   * one that has waited longest is let go and counted (`timeoutsDropped`): its abandonment is not
   * marked (a restart finds it again, `restore`). Without a bound, 30 minutes of sessions at a
   * sustained rate would be held: at 600 new sessions a second, over a million.
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
 * Keeps signals current as traffic arrives: after each commit the sessions it touched (by their
 * spans, or by the trace a feedback names) are recomputed off the request path, in rounds of up to
 * 256 sessions (64 under pressure, when traffic leaves no quiet spell): extended by their new turns
 * from what is kept of each (signals-round.ts), or read from the store when that cannot be trusted.
 * A session's last conversation is abandoned only once its timeout has passed with no new message:
 * a sweep (an unref'd timer) recomputes those sessions then. What is pending lives in memory and
 * is rebuilt from the store on start (`restore`), so a restart still marks abandonment at the timeout.
 */
export class SignalTracker {
  private readonly dirty = new Map<string, DirtySession>();
  /** The committed traces not yet taken by a round, by `traceKey`. */
  private readonly pending = new Map<string, PendingTrace>();
  private readonly earlyFeedback = new Set<string>();
  private readonly states: SessionStates;
  /**
   * Sessions waiting for their timeout, by `sessionKey`: when their last message came, in the order
   * they came (an entry moves to the end when its session has a new message). At most `maxWaiting`.
   */
  private readonly waitingTimeout = new Map<string, number>();
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
  private readonly closed = new Promise<void>((resolve) => {
    this.stopWaiting = resolve;
  });
  /**
   * Sessions not recomputed because too many were pending, sessions let go before their timeout
   * because too many were waiting for it, recomputes that failed, and sessions recomputed
   * (`incremental` of them extended from their kept state, `full` read from the store).
   */
  readonly counts = { dropped: 0, timeoutsDropped: 0, failures: 0, recomputed: 0, incremental: 0, full: 0 };

  constructor(
    private readonly store: TraceStore,
    private readonly tracker: SignalTrackerOptions,
  ) {
    this.options = tracker.signals ?? DEFAULT_SIGNAL_OPTIONS;
    this.now = tracker.now ?? Date.now;
    this.states = new SessionStates(tracker.maxSessions ?? 10_000);
    this.pressure = tracker.pressure ?? 1_000;
    this.maxWaiting = tracker.maxWaiting ?? 200_000;
    this.timer = setInterval(() => this.sweep(), Math.min(this.options.abandonMs, 60_000));
    this.timer.unref();
  }

  stats(): SignalStats {
    return { pending: this.dirty.size, ...this.counts };
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
      const known = this.pending.get(key);
      if (known) addSpans(known, spans);
      else {
        // The trace's session, as the writer sets it: its first span's that has one.
        const sessionId = spans.find((s) => s.sessionId)?.sessionId;
        if (!sessionId) continue;
        const session = this.mark(spans[0]!.projectId, sessionId);
        if (!session || session.full) continue;
        if (session.traces.length >= MAX_PENDING_TRACES) {
          this.forget(session);
          session.full = true;
          continue;
        }
        const trace: PendingTrace = {
          projectId: spans[0]!.projectId,
          traceId: spans[0]!.traceId,
          sessionId,
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
      for (const sessionId of named) this.mark(spans[0]!.projectId, sessionId);
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
      const now = this.now();
      const since = now - this.options.abandonMs - RESTORE_LOOKBACK_MS;
      for (const s of await this.store.recentSessions(since)) {
        const due = s.lastMs + this.options.abandonMs;
        const key = keyOf(s.projectId, s.sessionId);
        if (due > now) {
          if (!this.waitingTimeout.has(key)) this.waitFor(key, s.lastMs);
        } else if (s.computedMs === null || s.computedMs < due) this.mark(s.projectId, s.sessionId, false);
      }
      this.kick();
    });
  }

  /** Marks sessions whose last message is older than the timeout for a recompute. */
  sweep(): void {
    const horizon = this.now() - this.options.abandonMs;
    for (const [key, at] of this.waitingTimeout) {
      if (at > horizon) continue;
      this.waitingTimeout.delete(key);
      const [projectId, sessionId] = JSON.parse(key) as [string, string];
      this.mark(projectId, sessionId, false);
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

  private mark(projectId: string, sessionId: string, wait = true, full = false): DirtySession | undefined {
    const key = keyOf(projectId, sessionId);
    let session = this.dirty.get(key);
    if (!session) {
      if (this.dirty.size >= (this.tracker.maxPending ?? 10_000)) {
        this.counts.dropped += 1;
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
    if (wait) this.waitFor(key, this.now());
    return session;
  }

  /** Waits for a session's timeout from `at`, within `maxWaiting` (the longest-waiting goes first). */
  private waitFor(key: string, at: number): void {
    this.waitingTimeout.delete(key);
    this.waitingTimeout.set(key, at);
    if (this.waitingTimeout.size <= this.maxWaiting) return;
    this.waitingTimeout.delete(this.waitingTimeout.keys().next().value as string);
    this.counts.timeoutsDropped += 1;
  }

  /** Drops a session's pending traces (it is to be read from the store). */
  private forget(session: DirtySession): void {
    for (const t of session.traces) this.pending.delete(traceKey(t.projectId, t.traceId));
    session.traces = [];
  }

  private async markFeedback(batch: IngestBatch): Promise<void> {
    for (const f of batch.feedback) {
      const trace = await this.store.getTrace(f.projectId, f.traceId);
      if (trace?.sessionId) this.mark(f.projectId, trace.sessionId, false, true);
      else if (!trace) {
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
      // The round's own time, from when the commits let it start (waiting for one is ingestion's).
      let started = performance.now();
      const size = this.dirty.size >= this.pressure ? PRESSED_ROUND : ROUND;
      const take = () => {
        started = performance.now();
        return this.takeRounds(size);
      };
      const rounds = this.queue ? await this.queue.between(take) : await take();
      for (const round of rounds) {
        try {
          const done = await recomputeRound(this.store, round, this.states, {
            embedder: this.tracker.embedder,
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
      const wall = performance.now() - started;
      this.pause = Math.min(MAX_PRESSED_PAUSE_MS, (wall * (1 - PRESSED_SHARE)) / PRESSED_SHARE);
    }
  }
}
