import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AssayError, type ErrorCode } from '../../core/errors.js';
import type { Embedder } from '../../embeddings/embedder.js';
import { createLocalEmbedder, LOCAL_EMBEDDER_ID } from '../../embeddings/local.js';
import type { Vector } from '../../embeddings/vector.js';
import type { CheckpointThreads } from '../../store/sqlite-checkpointer.js';
import { QueueFullError } from '../ingest-queue.js';
import { type ConvertJob, convertOtlp, type PackedConversion, unpackConversion } from './convert.js';
import type { OtlpConversion } from './to-batch.js';

interface Pending<T> {
  resolve: (value: T) => void;
  reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker;
  /** The conversions this thread was given and has not answered. */
  pending: Map<number, Pending<OtlpConversion>>;
  /** The texts this thread was given to embed and has not answered (not counted as bodies). */
  embeds: Map<number, Pending<Vector[]>>;
}

/** A decoding thread stopped with bodies it had not converted: the server answers 503, to be retried. */
export class DecoderStoppedError extends AssayError {
  constructor(reason: string) {
    super('store.failed', `the decoding thread stopped (${reason}); retry later`, {
      retryable: true,
      retryAfterMs: 1000,
    });
  }
}

export interface ConvertPoolOptions {
  /** Bodies given to the threads and not yet converted, at most; past it `convert` refuses (503). Default 8. */
  maxPending?: number;
  /** The worker script (default: the compiled `convert-worker.js` beside this module). */
  workerFile?: string;
  /** Threads replaced after stopping, at most; past it bodies are converted on the main thread. Default 5. */
  maxRestarts?: number;
}

/**
 * Converts OTLP bodies on worker threads, so decoding, mapping and rendering rows (most of
 * ingestion's CPU) use another core while the main thread serves HTTP and commits. At most
 * `maxPending` bodies wait for a thread; past that, `convert` refuses at once (503), so memory stays
 * bounded under overload. A thread that stops (a crash, an out-of-memory) fails its bodies with a
 * retryable error and is replaced, a few times; after that, and where there is no compiled worker
 * (running from TypeScript sources), bodies are converted on the main thread.
 */
export class ConvertPool implements CheckpointThreads {
  private readonly slots: Slot[] = [];
  /** The WAL the threads checkpoint (`checkpoint`), told to each thread as it starts. */
  private checkpoints?: { file: string; intervalMs: number; lost: () => void };
  private next = 1;
  private restarts = 0;
  private closing = false;
  private readonly maxPending: number;
  private readonly maxRestarts: number;
  private readonly file: string;
  /** The local embedder in this thread, for when no decoding thread is there. */
  private readonly inThread = createLocalEmbedder();

  constructor(threads: number, options: ConvertPoolOptions = {}) {
    this.maxPending = options.maxPending ?? 8;
    this.maxRestarts = options.maxRestarts ?? 5;
    this.file = options.workerFile ?? fileURLToPath(new URL('./convert-worker.js', import.meta.url));
    if (threads <= 0 || !existsSync(this.file)) return;
    for (let i = 0; i < threads; i++) this.spawn();
  }

  get threads(): number {
    return this.slots.length;
  }

  convert(job: ConvertJob): Promise<OtlpConversion> {
    if (this.slots.length === 0) {
      try {
        return Promise.resolve(convertOtlp(job));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const waiting = this.slots.reduce((n, s) => n + s.pending.size, 0);
    if (waiting >= this.maxPending) return Promise.reject(new QueueFullError());
    const slot = this.slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.next++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      // A body that owns its memory (`job.owned`) is handed over as it is: the main thread holds it
      // no longer, and the worker frees it soon after. Any other may be a view on memory Node still
      // uses (socket reads, the Buffer pool), which must never be transferred away: a copy is.
      const body = job.owned ? job.body : new Uint8Array(job.body);
      const message = { id, job: { ...job, body } };
      slot.worker.postMessage(message, [body.buffer as ArrayBuffer]);
    });
  }

  /**
   * The local embedder (`createLocalEmbedder()`), run on a decoding thread when there is one: the
   * implicit signals' rephrase check then embeds off the commit thread, and the embedder's vectors
   * load there (`ready`). Without a thread, the local embedder in this thread.
   */
  localEmbedder(): Embedder {
    if (this.slots.length === 0) return this.inThread;
    return {
      id: LOCAL_EMBEDDER_ID,
      embed: (texts) => this.embed(texts),
      ready: async () => {
        await this.embed([]);
      },
    };
  }

  private embed(texts: string[]): Promise<Vector[]> {
    if (this.slots.length === 0) return this.inThread.embed(texts);
    const slot = this.slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.next++;
    return new Promise((resolve, reject) => {
      slot.embeds.set(id, { resolve, reject });
      slot.worker.postMessage({ id, embed: texts });
    });
  }

  /**
   * Has each thread checkpoint `file`'s WAL every `intervalMs`, between the bodies it converts, on a
   * connection of its own (`startCheckpointer`); a replacement thread does too. False with no
   * thread. `lost` is called if the last thread stops for good.
   */
  checkpoint(file: string, intervalMs: number, lost: () => void): boolean {
    if (this.slots.length === 0) return false;
    this.checkpoints = { file, intervalMs, lost };
    for (const slot of this.slots) this.tellCheckpoints(slot.worker);
    return true;
  }

  /** Tells a thread to checkpoint the WAL `checkpoint` was given, if any. */
  private tellCheckpoints(worker: Worker): void {
    if (!this.checkpoints) return;
    const { file, intervalMs } = this.checkpoints;
    worker.postMessage({ checkpoint: { file, intervalMs } });
  }

  async close(): Promise<void> {
    this.closing = true;
    // Their connections close between two checkpoints (one still running finishes first).
    if (this.checkpoints)
      await Promise.all(
        this.slots.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.worker.on('message', (m: { checkpointsStopped?: true }) => m.checkpointsStopped && resolve());
              s.worker.once('exit', () => resolve());
              s.worker.postMessage({ stopCheckpoints: true });
            }),
        ),
      );
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }

  private spawn(): void {
    const worker = new Worker(this.file);
    worker.unref();
    this.tellCheckpoints(worker);
    const slot: Slot = { worker, pending: new Map(), embeds: new Map() };
    worker.on(
      'message',
      (m: {
        id: number;
        packed?: PackedConversion;
        vectors?: Vector[];
        error?: { message: string; code?: ErrorCode; field?: string };
      }) => {
        const e = slot.embeds.get(m.id);
        if (e) {
          slot.embeds.delete(m.id);
          if (m.error) e.reject(new Error(`embedding on the decoding thread failed: ${m.error.message}`));
          else e.resolve(m.vectors!);
          return;
        }
        const p = slot.pending.get(m.id);
        slot.pending.delete(m.id);
        if (!p) return;
        if (m.error)
          p.reject(
            new AssayError(
              m.error.code ?? 'input.invalid',
              m.error.message,
              m.error.field ? { field: m.error.field } : {},
            ),
          );
        else p.resolve(unpackConversion(m.packed!));
      },
    );
    let reason = 'it exited';
    worker.on('error', (error) => {
      reason = error.message;
    });
    // 'exit' follows an 'error' too: the slot's bodies fail once, and the thread is replaced.
    worker.on('exit', (code) => {
      const at = this.slots.indexOf(slot);
      if (at >= 0) this.slots.splice(at, 1);
      const stopped = new DecoderStoppedError(`${reason}, code ${code}`);
      for (const p of [...slot.pending.values(), ...slot.embeds.values()]) p.reject(stopped);
      slot.pending.clear();
      slot.embeds.clear();
      if (this.closing) return;
      process.stderr.write(`assay: a decoding thread stopped (${reason}, code ${code})\n`);
      if (this.restarts < this.maxRestarts) {
        this.restarts += 1;
        this.spawn();
      } else if (this.slots.length === 0) this.checkpoints?.lost();
    });
    this.slots.push(slot);
  }
}
