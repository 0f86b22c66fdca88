import { retryDelay } from './backoff.js';
import { DropOldestBuffer, type Item } from './buffer.js';
import { type Prepared, prepareEvent, prepareFeedback } from './prepare.js';
import { postJson } from './send.js';
import {
  AssayClientError,
  type ClientOptions,
  type ClientStats,
  type DropReason,
  type FeedbackInput,
  type GenerationEvent,
} from './types.js';

export interface AssayClient {
  /** Queues one generation; synchronous, never throws, never waits on the network. */
  log(event: GenerationEvent): void;
  /** Queues one feedback; synchronous, never throws. */
  feedback(feedback: FeedbackInput): void;
  /** Resolves when everything queued so far is acknowledged or given up (never rejects). */
  flush(): Promise<void>;
  /** Flushes, then stops the timer; later `log`/`feedback` calls are dropped as `closed`. */
  shutdown(): Promise<void>;
  stats(): ClientStats;
}

/** The `index` of an event in a refused batch, from the server's `field` (`events[3].model`). */
function badIndex(field: string | undefined): number | undefined {
  const m = field ? /^events\[(\d+)\]/.exec(field) : null;
  return m ? Number(m[1]) : undefined;
}

class Client implements AssayClient {
  private readonly buffer: DropOldestBuffer;
  private inFlight: Item[] = [];
  private nextSeq = 0;
  private waiters: { seq: number; resolve: () => void }[] = [];
  private pumping = false;
  private scheduled = false;
  private due = false;
  private closed = false;
  /** Lowered after a 413 so the next batch is smaller. */
  private take: number;
  private readonly timer: ReturnType<typeof setInterval>;
  private backoff: ReturnType<typeof setTimeout> | undefined;
  private readonly counts = {
    sent: 0,
    retries: 0,
    droppedBy: { overflow: 0, invalid: 0, rejected: 0, 'gave-up': 0, closed: 0 } as Record<
      DropReason,
      number
    >,
  };
  private readonly o: Required<Omit<ClientOptions, 'onError'>> & Pick<ClientOptions, 'onError'>;

  constructor(options: ClientOptions) {
    if (!options || typeof options.url !== 'string' || typeof options.apiKey !== 'string')
      throw new TypeError('createClient: url and apiKey are required');
    this.o = {
      batchSize: 100,
      flushIntervalMs: 1000,
      maxBuffer: 10_000,
      maxRetries: 10,
      retryBaseMs: 500,
      maxRetryDelayMs: 30_000,
      requestTimeoutMs: 10_000,
      ...options,
      url: options.url.replace(/\/+$/, ''),
    };
    for (const key of ['batchSize', 'maxBuffer'] as const)
      if (!Number.isInteger(this.o[key]) || this.o[key] < 1)
        throw new TypeError(`createClient: ${key} must be a whole number ≥ 1`);
    this.take = this.o.batchSize;
    this.buffer = new DropOldestBuffer(this.o.maxBuffer);
    this.timer = setInterval(() => {
      this.due = true;
      this.schedule();
    }, this.o.flushIntervalMs);
    this.timer.unref();
  }

  log(event: GenerationEvent): void {
    this.enqueue('event', () => prepareEvent(event, Date.now()));
  }

  feedback(feedback: FeedbackInput): void {
    this.enqueue('feedback', () => prepareFeedback(feedback, Date.now()));
  }

  flush(): Promise<void> {
    const seq = this.nextSeq;
    if (this.lowestUnsettled() >= seq) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push({ seq, resolve });
      // A retry already waiting now keeps the process alive until the flush is done.
      this.backoff?.ref();
      this.schedule();
    });
  }

  async shutdown(): Promise<void> {
    await this.flush();
    this.closed = true;
    clearInterval(this.timer);
  }

  stats(): ClientStats {
    const droppedBy = { ...this.counts.droppedBy };
    return {
      sent: this.counts.sent,
      dropped: Object.values(droppedBy).reduce((a, b) => a + b, 0),
      droppedBy,
      retries: this.counts.retries,
      buffered: this.buffer.length + this.inFlight.length,
    };
  }

  private enqueue(kind: Item['kind'], prepare: () => Prepared): void {
    try {
      if (this.closed) {
        this.drop(1, 'closed', `${kind} after shutdown()`);
        return;
      }
      let prepared: Prepared;
      try {
        prepared = prepare();
      } catch (error) {
        prepared = { invalid: `${kind}: cannot be serialized (${(error as Error)?.message ?? error})` };
      }
      if ('invalid' in prepared) {
        this.drop(1, 'invalid', prepared.invalid);
        return;
      }
      const dropped = this.buffer.push({ kind, seq: this.nextSeq++, json: prepared.json });
      if (dropped > 0) {
        this.drop(dropped, 'overflow', `buffer full (${this.o.maxBuffer}): the oldest dropped`);
        this.settle();
      }
      if (this.buffer.length >= this.take) this.schedule();
    } catch {
      // Nothing reaches the app's request path.
    }
  }

  private drop(count: number, reason: DropReason, message: string, status?: number): void {
    this.counts.droppedBy[reason] += count;
    this.report(new AssayClientError(`assay client: ${count} dropped: ${message}`, reason, count, status));
  }

  private report(error: AssayClientError): void {
    const onError = this.o.onError;
    if (!onError) return;
    // Off the caller's stack: a throwing or slow handler cannot reach the app's request path.
    queueMicrotask(() => {
      try {
        onError(error);
      } catch {}
    });
  }

  private lowestUnsettled(): number {
    return this.inFlight[0]?.seq ?? this.buffer.peek()?.seq ?? this.nextSeq;
  }

  /** Resolves the flushes whose items have all been acknowledged or dropped. */
  private settle(): void {
    if (this.waiters.length === 0) return;
    const low = this.lowestUnsettled();
    const done = this.waiters.filter((w) => w.seq <= low);
    this.waiters = this.waiters.filter((w) => w.seq > low);
    for (const w of done) w.resolve();
  }

  private schedule(): void {
    if (this.pumping || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (
        this.buffer.length > 0 &&
        (this.buffer.length >= this.take || this.due || this.waiters.length > 0)
      ) {
        this.inFlight = this.nextBatch();
        await this.deliver(this.inFlight);
        this.inFlight = [];
        this.settle();
      }
      this.due = false;
    } catch {
      this.inFlight = [];
    } finally {
      this.pumping = false;
      this.settle();
    }
  }

  /** A feedback alone, or consecutive events up to the batch size. */
  private nextBatch(): Item[] {
    const first = this.buffer.shift()!;
    if (first.kind === 'feedback') return [first];
    const batch = [first];
    while (batch.length < this.take && this.buffer.peek()?.kind === 'event') batch.push(this.buffer.shift()!);
    return batch;
  }

  private async deliver(batch: Item[]): Promise<void> {
    const isFeedback = batch[0]!.kind === 'feedback';
    const url = `${this.o.url}/api/v1/${isFeedback ? 'feedback' : 'ingest'}`;
    const body = isFeedback ? batch[0]!.json : `{"events":[${batch.map((i) => i.json).join(',')}]}`;
    for (let attempt = 0; ; attempt++) {
      const result = await postJson(url, this.o.apiKey, body, this.o.requestTimeoutMs);
      if (result.kind === 'ok') {
        this.counts.sent += batch.length;
        this.take = this.o.batchSize;
        return;
      }
      if (result.kind === 'reject') {
        const bad = badIndex(result.field);
        if (result.status === 413 && batch.length > 1) {
          // Too large a body: resend in halves.
          this.take = Math.max(1, Math.ceil(batch.length / 2));
          this.buffer.unshift(batch);
          return;
        }
        if (!isFeedback && bad !== undefined && bad < batch.length && batch.length > 1) {
          // One bad event: drop it alone, resend the others at once.
          this.drop(1, 'rejected', result.message, result.status);
          this.buffer.unshift(batch.filter((_, i) => i !== bad));
          return;
        }
        return this.drop(batch.length, 'rejected', result.message, result.status);
      }
      if (attempt >= this.o.maxRetries)
        return this.drop(
          batch.length,
          'gave-up',
          `after ${attempt + 1} attempts: ${result.message}`,
          result.status,
        );
      this.counts.retries++;
      this.report(
        new AssayClientError(`assay client: will retry: ${result.message}`, 'retry', 0, result.status),
      );
      const wait = retryDelay(attempt, result.retryAfterMs, this.o.retryBaseMs, this.o.maxRetryDelayMs);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, wait);
        // An app exiting without flush() is not held up by a retry; one awaiting flush() is.
        if (this.waiters.length === 0) t.unref();
        this.backoff = t;
      });
      this.backoff = undefined;
    }
  }
}

/** A client for `assay serve`: batches, retries and buffers; see docs/serve.md "Client". */
export function createClient(options: ClientOptions): AssayClient {
  return new Client(options);
}
