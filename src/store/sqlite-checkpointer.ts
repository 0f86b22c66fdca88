import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

export interface Checkpointer {
  /** Stops the thread and closes its connection (before the store closes, which checkpoints last). */
  stop(): Promise<void>;
}

/**
 * Checkpoints a SQLite file's WAL on a thread of its own, so that the ingest commits on the main
 * thread only append to the WAL: SQLite's own checkpoint, run by the commit that makes the WAL pass
 * `wal_autocheckpoint` pages, took ~2.8 µs a span of the main thread (docs/benchmarks.md). The
 * writer's own checkpoint stays as a backstop, at `backstopPages` (80 MB of WAL by default), should
 * this thread fall behind. Checkpoints copy committed pages only: what a commit acknowledged is in
 * the WAL already, whatever this thread does. Undefined for an in-memory database, or where there is
 * no compiled worker (running from TypeScript sources).
 */
export function startCheckpointer(
  sqlite: BetterSqlite3.Database,
  options: { intervalMs?: number; backstopPages?: number } = {},
): Checkpointer | undefined {
  const file = fileURLToPath(new URL('./sqlite-checkpoint-worker.js', import.meta.url));
  if (sqlite.memory || !existsSync(file)) return undefined;
  const worker = new Worker(file, {
    workerData: { file: sqlite.name, intervalMs: options.intervalMs ?? 200 },
    // It holds no data of its own: a small heap keeps the server's memory where it was.
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
  });
  worker.unref();
  // A thread that failed (its connection could not open) leaves the backstop to the commits.
  let exited = false;
  worker.on('error', () => {});
  worker.on('exit', () => {
    exited = true;
  });
  sqlite.pragma(`wal_autocheckpoint = ${options.backstopPages ?? 20_000}`);
  return {
    async stop() {
      if (!exited) {
        // Its connection closed between two checkpoints; a checkpoint still running finishes first.
        const stopped = new Promise<void>((resolve) => {
          worker.once('message', () => resolve());
          worker.once('exit', () => resolve());
        });
        worker.postMessage('stop');
        await stopped;
      }
      await worker.terminate();
      sqlite.pragma('wal_autocheckpoint = 1000');
    },
  };
}
