import type PgBoss from 'pg-boss';
import type { ResultRecord } from '../core/run.js';
import type { Store, TransactionSql } from '../core/store.js';
import type { ResultSink } from '../runner/run-eval.js';
import { EVAL_QUEUE } from './queue.js';

export interface ChunkSink extends ResultSink {
  /** Completes the job of a chunk that had nothing left to call (all its results were stored). */
  finishEmpty(): Promise<void>;
  /** Results written so far. */
  readonly written: number;
}

/**
 * Where a chunk's results go. Each batch is committed as it completes, so a worker killed mid-chunk
 * loses only its calls in flight; the batch that finishes the chunk is committed in ONE PostgreSQL
 * transaction with the pg-boss job's completion (pg-boss runs its SQL on our transaction's
 * connection through its `db` option). So a job is completed exactly when all its results are
 * committed: a crash between the two cannot leave the last results without the completion, nor
 * the completion without them. `remaining` is how many results the chunk still has to write.
 */
export function chunkSink(store: Store, boss: PgBoss, jobId: string, remaining: number): ChunkSink {
  let written = 0;
  const complete = async (tx: TransactionSql): Promise<void> => {
    const db = { executeSql: (text: string, values: unknown[]) => tx.execute(text, values) };
    // The four-argument form: pg-boss 10's typings offer complete(name, id, options), but its code
    // reads the third argument as the job's output, so `db` would be ignored there.
    await boss.complete(EVAL_QUEUE, jobId, { results: remaining }, { db });
  };
  return {
    get written() {
      return written;
    },
    async write(results: ResultRecord[]) {
      const last = written + results.length >= remaining;
      await store.saveResults(results, last ? { inTransaction: complete } : {});
      written += results.length;
    },
    async finishEmpty() {
      await store.saveResults([], { inTransaction: complete });
    },
  };
}
