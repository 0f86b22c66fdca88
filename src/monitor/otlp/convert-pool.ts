import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AssayError, type ErrorCode } from '../../core/errors.js';
import { QueueFullError } from '../ingest-queue.js';
import { type ConvertJob, convertOtlp, type PackedConversion, unpackConversion } from './convert.js';
import type { OtlpConversion } from './to-batch.js';

interface Pending {
  resolve: (c: OtlpConversion) => void;
  reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker;
  busy: number;
}

/**
 * Converts OTLP bodies on worker threads, so decoding and mapping (most of ingestion's CPU) use
 * the other cores while the main thread serves HTTP and commits. At most `maxPending` bodies wait
 * for a worker; past that, `convert` refuses at once (503), so memory stays bounded under overload.
 * Where there is no compiled worker (running from TypeScript sources) it converts in-thread.
 */
export class ConvertPool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private next = 1;

  constructor(
    threads: number,
    private readonly maxPending = 8,
  ) {
    const file = fileURLToPath(new URL('./convert-worker.js', import.meta.url));
    if (threads <= 0 || !existsSync(file)) return;
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(file);
      worker.unref();
      const slot = { worker, busy: 0 };
      worker.on(
        'message',
        (m: {
          id: number;
          packed?: PackedConversion;
          error?: { message: string; code?: ErrorCode; field?: string };
        }) => {
          slot.busy -= 1;
          const p = this.pending.get(m.id);
          this.pending.delete(m.id);
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
      worker.on('error', (error) => {
        for (const [id, p] of this.pending) {
          p.reject(error);
          this.pending.delete(id);
        }
      });
      this.slots.push(slot);
    }
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
    if (this.pending.size >= this.maxPending) return Promise.reject(new QueueFullError());
    const slot = this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.next++;
    slot.busy += 1;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // A body that owns its memory (`job.owned`) is handed over as it is: the main thread holds it
      // no longer, and the worker frees it soon after. Any other may be a view on memory Node still
      // uses (socket reads, the Buffer pool), which must never be transferred away: a copy is.
      const body = job.owned ? job.body : new Uint8Array(job.body);
      const message = { id, job: { ...job, body } };
      slot.worker.postMessage(message, [body.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }
}
