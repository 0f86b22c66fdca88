import type { IngestBatch } from '../core/trace.js';
import type { TraceStore } from '../core/trace-store.js';
import type { Embedder } from '../embeddings/embedder.js';
import type { IngestQueue } from './ingest-queue.js';
import { DEFAULT_SIGNAL_OPTIONS, type SignalOptions } from './signals.js';
import { recomputeSession } from './signals-session.js';

export interface SignalTrackerOptions {
  embedder: Embedder;
  signals?: SignalOptions;
  /** Sessions waiting for a recompute at most; more are dropped and counted (default 10,000). */
  maxPending?: number;
  now?: () => number;
}

/**
 * How long the attached queue must be idle before a recompute starts: signals never slow
 * acknowledgements (under sustained saturation they lag; sessions past `maxPending` are dropped and counted).
 */
const QUIET_MS = 100;

const keyOf = (projectId: string, sessionId: string) => JSON.stringify([projectId, sessionId]);

/** How far past its timeout a restart still looks for a session the sweep may have missed (a day). */
const RESTORE_LOOKBACK_MS = 24 * 3_600_000;

/**
 * Keeps signals current as traffic arrives: after each commit the sessions it touched (by their
 * spans, or by the trace a feedback names) are recomputed, one at a time, off the request path.
 * A session's last conversation is abandoned only once its timeout has passed with no new message:
 * a sweep (an unref'd timer) recomputes those sessions then. What is pending lives in memory and
 * is rebuilt from the store on start (`restore`), so a restart still marks abandonment at the timeout.
 */
export class SignalTracker {
  private readonly dirty = new Map<string, [string, string]>();
  private readonly waitingTimeout = new Map<string, { at: number; session: [string, string] }>();
  private readonly options: SignalOptions;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;
  private chain: Promise<void> = Promise.resolve();
  private inFlight = 0;
  private scheduled = false;
  private closing = false;
  /** The queue whose commits are followed and whose quiet spells recomputes wait for (see `attach`). */
  private queue: IngestQueue | undefined;
  private stopWaiting: () => void = () => {};
  private readonly closed = new Promise<void>((resolve) => {
    this.stopWaiting = resolve;
  });
  /** Sessions not recomputed because too many were pending, and recomputes that failed. */
  readonly counts = { dropped: 0, failures: 0, recomputed: 0 };

  constructor(
    private readonly store: TraceStore,
    private readonly tracker: SignalTrackerOptions,
  ) {
    this.options = tracker.signals ?? DEFAULT_SIGNAL_OPTIONS;
    this.now = tracker.now ?? Date.now;
    this.timer = setInterval(() => this.sweep(), Math.min(this.options.abandonMs, 60_000));
    this.timer.unref();
  }

  /** Subscribes to the queue's commits; recomputes then wait for the queue to be quiet. */
  attach(queue: IngestQueue): this {
    this.queue = queue;
    queue.observe((batch) => this.onCommit(batch));
    return this;
  }

  onCommit(batch: IngestBatch): void {
    for (const s of batch.spans) if (s.sessionId) this.mark(s.projectId, s.sessionId);
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
          if (!this.waitingTimeout.has(key))
            this.waitingTimeout.set(key, { at: s.lastMs, session: [s.projectId, s.sessionId] });
        } else if (s.computedMs === null || s.computedMs < due) this.mark(s.projectId, s.sessionId, false);
      }
      this.kick();
    });
  }

  /** Marks sessions whose last message is older than the timeout for a recompute. */
  sweep(): void {
    const horizon = this.now() - this.options.abandonMs;
    for (const [key, w] of this.waitingTimeout) {
      if (w.at > horizon) continue;
      this.waitingTimeout.delete(key);
      this.mark(...w.session, false);
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

  private mark(projectId: string, sessionId: string, wait = true): void {
    const key = keyOf(projectId, sessionId);
    if (!this.dirty.has(key) && this.dirty.size >= (this.tracker.maxPending ?? 10_000)) {
      this.counts.dropped += 1;
      return;
    }
    this.dirty.set(key, [projectId, sessionId]);
    if (wait) this.waitingTimeout.set(key, { at: this.now(), session: [projectId, sessionId] });
  }

  private async markFeedback(batch: IngestBatch): Promise<void> {
    for (const f of batch.feedback) {
      const trace = await this.store.getTrace(f.projectId, f.traceId);
      if (trace?.sessionId) this.mark(f.projectId, trace.sessionId, false);
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

  private async drainDirty(): Promise<void> {
    while (this.dirty.size > 0) {
      const [key, [projectId, sessionId]] = this.dirty.entries().next().value as [string, [string, string]];
      // Ingestion first: a recompute reads the store and embeds texts on this thread. A quiet spell
      // (100 ms without ingest work), not just a gap between two requests; once in one, the next
      // sessions go on without waiting again.
      if (this.queue && !this.closing) await Promise.race([this.queue.quiet(QUIET_MS), this.closed]);
      this.dirty.delete(key);
      try {
        await recomputeSession(this.store, projectId, sessionId, {
          embedder: this.tracker.embedder,
          signals: this.options,
          now: this.now,
        });
        this.counts.recomputed += 1;
      } catch {
        this.counts.failures += 1;
      }
    }
  }
}
