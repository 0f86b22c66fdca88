import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

export interface Checkpointer {
  /** Stops the thread and closes its connection (before the store closes, which checkpoints last). */
  stop(): Promise<void>;
}

/**
 * Threads that can checkpoint a file's WAL besides their own work (`ConvertPool`'s decoding
 * threads): `checkpoint` answers false when there is none, and calls `lost` should the last one
 * stop for good. The pool stops their checkpoints when it closes.
 */
export interface CheckpointThreads {
  checkpoint(file: string, intervalMs: number, lost: () => void): boolean;
}

/**
 * Checkpoints a SQLite file's WAL off the main thread, so that the ingest commits on it only append
 * to the WAL: SQLite's own checkpoint, run by the commit that makes the WAL pass
 * `wal_autocheckpoint` pages, took ~2.8 µs a span of the main thread (docs/benchmarks.md). Where
 * there is a decoding thread (`threads`), it checkpoints between bodies: a thread of its own is an
 * isolate of its own, ~10 MB of RSS; it is started only where there is none, or once none is left.
 * The writer's own checkpoint stays as a backstop, at `backstopPages` (160 MB of WAL in 8-KiB pages
 * by default), should the checkpoints fall behind. Checkpoints copy committed pages only: what a
 * commit acknowledged is in the WAL already, whatever they do. Undefined for an in-memory database,
 * or where there is no compiled worker (running from TypeScript sources).
 */
export function startCheckpointer(
  sqlite: BetterSqlite3.Database,
  options: { intervalMs?: number; backstopPages?: number; threads?: CheckpointThreads } = {},
): Checkpointer | undefined {
  if (sqlite.memory) return undefined;
  const intervalMs = options.intervalMs ?? 200;
  let stopped = false;
  let own: Checkpointer | undefined;
  const onThreads =
    options.threads?.checkpoint(sqlite.name, intervalMs, () => {
      if (!stopped) own = ownThread(sqlite.name, intervalMs);
    }) ?? false;
  if (!onThreads) own = ownThread(sqlite.name, intervalMs);
  if (!onThreads && !own) return undefined;
  sqlite.pragma(`wal_autocheckpoint = ${options.backstopPages ?? 20_000}`);
  return {
    async stop() {
      stopped = true;
      await own?.stop();
      sqlite.pragma('wal_autocheckpoint = 1000');
    },
  };
}

/** A thread that only checkpoints (`sqlite-checkpoint-worker.ts`), or undefined with no compiled worker. */
function ownThread(file: string, intervalMs: number): Checkpointer | undefined {
  const script = fileURLToPath(new URL('./sqlite-checkpoint-worker.js', import.meta.url));
  if (!existsSync(script)) return undefined;
  const worker = new Worker(script, {
    workerData: { file, intervalMs },
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
    },
  };
}
