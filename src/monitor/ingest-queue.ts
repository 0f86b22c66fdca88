import { AssayError } from '../core/errors.js';
import type { IngestBatch } from '../core/trace.js';
import { batchSize, emptyBatch } from '../core/trace.js';
import type { IngestWriteResult } from '../core/trace-store.js';

export interface IngestQueueOptions {
  /**
   * Records (spans, scores, feedback, events) waiting for a commit at most; past it requests are
   * refused before their bodies are read, and a batch already made waits for room.
   */
  capacity?: number;
  /** Records per commit at most: one transaction groups the requests waiting, up to this. */
  maxCommit?: number;
  /** Requests admitted at once at most (past it they are refused with 503); default 16. */
  maxRequests?: number;
  /**
   * Admitted requests whose bodies are read, decoded or waiting for their commit at once at most;
   * the others wait their turn with their bodies unread (held back in their sockets); default 8.
   */
  maxActive?: number;
}

export interface IngestStats {
  /** Records waiting for a commit, now (batches waiting for room not counted). */
  depth: number;
  capacity: number;
  /** Requests admitted now, and those of them waiting for their turn to read their bodies. */
  requests: number;
  waitingTurn: number;
  /** Records committed (including ones skipped as already stored), requests refused as full, commits made, commits failed. */
  committed: number;
  refused: number;
  commits: number;
  failures: number;
}

/** Told after each commit, with what it held: signals, metrics and online evaluators hang here. */
export type CommitObserver = (batch: IngestBatch, written: IngestWriteResult) => void;

interface Waiting {
  batch: IngestBatch;
  size: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** The queue is full: the server answers 503 with `Retry-After`. */
export class QueueFullError extends AssayError {
  constructor() {
    super('store.failed', 'the ingest queue is full; retry later', { retryable: true, retryAfterMs: 1000 });
  }
}

/**
 * The bounded ingest queue and its committer. Requests submit batches and wait; the committer writes
 * whatever is waiting in one transaction (group commit) and only then resolves each request, so a
 * 2xx means committed. Requests are admitted before their bodies are read (`enter`), at most
 * `maxRequests` at once and only while the queue has room: past either bound the answer is an
 * immediate 503. Of those admitted, `maxActive` take their bodies in at once (`turn`); the others
 * wait with their bodies unread, which Node then leaves in the socket (backpressure), so a burst
 * queues without a 503 and memory holds `maxActive` bodies and their rows, not `maxRequests`. At
 * twice the load this machine can take, a 10-s run's peak RSS fell from 291-309 MB (16 requests
 * in memory) to 280-293, and its ack p99 from 0.7-1.3 s to 0.57-0.68 (docs/benchmarks.md). A batch
 * made by an admitted request that does not fit waits for room instead of being refused: its body
 * was read and decoded already, and refusing it then would waste that work and have the client send
 * it all again (at twice the load this machine can take, 12 of ~800 requests were refused so;
 * docs/benchmarks.md).
 */
export class IngestQueue {
  private waiting: Waiting[] = [];
  /** Batches of admitted requests waiting for room in `waiting`, in the order they came. */
  private forRoom: Waiting[] = [];
  private depth = 0;
  private running: Promise<void> | undefined;
  private readonly observers: CommitObserver[] = [];
  private readonly counts = { committed: 0, refused: 0, commits: 0, failures: 0 };
  readonly capacity: number;
  readonly maxCommit: number;
  readonly maxRequests: number;
  readonly maxActive: number;
  private requests = 0;
  private active = 0;
  /** Admitted requests waiting for their turn to read their bodies, in the order they came. */
  private turns: (() => void)[] = [];
  /** When the queue last went idle (`performance.now()`), and who waits for it to. */
  private idleSince = performance.now();
  private idleWaiters: (() => void)[] = [];
  /** Commits and `between` sections run one at a time, in the order they were asked for. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly write: (batch: IngestBatch) => Promise<IngestWriteResult>,
    options: IngestQueueOptions = {},
  ) {
    this.capacity = options.capacity ?? 4096;
    this.maxCommit = options.maxCommit ?? 2048;
    this.maxRequests = options.maxRequests ?? 16;
    this.maxActive = Math.min(options.maxActive ?? 8, this.maxRequests);
  }

  /**
   * Admits one request before its body is read, or throws `QueueFullError` when the queue is full or
   * too many requests are in progress: an overloaded server spends no memory or CPU on more bodies.
   * Pair with `leave()` in a `finally`.
   */
  enter(): void {
    if (!this.hasRoom() || this.forRoom.length > 0 || this.requests >= this.maxRequests) {
      this.counts.refused += 1;
      throw new QueueFullError();
    }
    this.requests += 1;
  }

  /**
   * Resolves when an admitted request may read its body: at once while fewer than `maxActive` are
   * taking theirs in, else when one leaves, in the order they came. Never rejects, so that each
   * `leave()` follows a turn.
   */
  turn(): Promise<void> {
    if (this.active < this.maxActive) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => this.turns.push(resolve));
  }

  /** Gives back an admitted request's place, and its turn (to the next one waiting, if any). */
  leave(): void {
    this.requests -= 1;
    const next = this.turns.shift();
    if (next) next();
    else if (this.active > 0) this.active -= 1;
    this.settle();
  }

  /** Whether a request is being taken in or a batch waits for its commit (background work yields). */
  busy(): boolean {
    return this.requests > 0 || this.depth > 0;
  }

  /**
   * Resolves once the queue has been idle (no request in progress, nothing waiting) for `ms`:
   * background work (signals) starts in a quiet spell instead of slowing acknowledgements. It sleeps
   * while the queue is busy (woken when it goes idle), so a wait costs no polling, and a queue idle
   * for longer already resolves at once.
   */
  async quiet(ms: number): Promise<void> {
    for (;;) {
      if (this.busy()) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      const left = this.idleSince + ms - performance.now();
      if (left <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, left));
    }
  }

  /** Whether `size` more records would fit now (checked before a body is even read). */
  hasRoom(size = 1): boolean {
    return this.depth === 0 || this.depth + size <= this.capacity;
  }

  /**
   * Resolves once the batch is committed. A batch that does not fit waits for the commits ahead of it
   * to make room (an empty queue takes any batch: the body limit bounds it); batches waiting so go in
   * the order they came.
   */
  submit(batch: IngestBatch): Promise<void> {
    const size = batchSize(batch);
    if (size === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const w = { batch, size, resolve, reject };
      if (this.forRoom.length === 0 && this.hasRoom(size)) this.enqueue(w);
      else this.forRoom.push(w);
    });
  }

  private enqueue(w: Waiting): void {
    this.waiting.push(w);
    this.depth += w.size;
    this.running ??= this.run();
  }

  /** Moves the batches waiting for room into the queue, in order, as far as it has room. */
  private makeRoom(): void {
    while (this.forRoom.length > 0 && this.hasRoom(this.forRoom[0]!.size))
      this.enqueue(this.forRoom.shift()!);
  }

  observe(observer: CommitObserver): void {
    this.observers.push(observer);
  }

  /**
   * Runs `fn` between two commits: none starts until it is done, and every commit before it has
   * been told to the observers. What an observer collected and what the store holds then agree
   * (the signal tracker takes its pending traces and counts the store's in one such section).
   */
  between<T>(fn: () => Promise<T>): Promise<T> {
    return this.exclusive(fn);
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.catch(() => {});
    return result;
  }

  stats(): IngestStats {
    return {
      depth: this.depth,
      capacity: this.capacity,
      requests: this.requests,
      waitingTurn: this.turns.length,
      ...this.counts,
    };
  }

  /** Resolves when everything submitted so far is committed (or failed). */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  private async run(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        // Let requests that arrived meanwhile join this commit.
        await new Promise((resolve) => setImmediate(resolve));
        const taken: Waiting[] = [];
        let records = 0;
        while (
          this.waiting.length > 0 &&
          (taken.length === 0 || records + this.waiting[0]!.size <= this.maxCommit)
        ) {
          const w = this.waiting.shift()!;
          taken.push(w);
          records += w.size;
        }
        const batch = taken.length === 1 ? taken[0]!.batch : merge(taken.map((w) => w.batch));
        try {
          await this.exclusive(async () => {
            const written = await this.write(batch);
            for (const o of this.observers) {
              try {
                o(batch, written);
              } catch {
                // An observer's failure must not undo or block the commit it was told of.
              }
            }
          });
          this.depth -= records;
          this.makeRoom();
          this.counts.committed += records;
          this.counts.commits += 1;
          for (const w of taken) w.resolve();
        } catch (error) {
          this.depth -= records;
          this.makeRoom();
          this.counts.failures += 1;
          for (const w of taken) w.reject(error);
        }
        this.settle();
      }
    } finally {
      // Cleared as the loop ends, in the same tick: a request submitted from an acknowledgement's
      // continuation (nothing else waiting) would otherwise find this run still set, and wait forever.
      this.running = undefined;
    }
  }

  /** Marks the moment the queue goes idle and wakes those waiting for it. */
  private settle(): void {
    if (this.busy()) return;
    this.idleSince = performance.now();
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}

function merge(batches: IngestBatch[]): IngestBatch {
  const out = emptyBatch();
  for (const b of batches) {
    for (const s of b.spans) out.spans.push(s);
    for (const s of b.scores) out.scores.push(s);
    for (const f of b.feedback) out.feedback.push(f);
    for (const e of b.events) out.events.push(e);
  }
  return out;
}
