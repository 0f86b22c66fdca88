import { parentPort, workerData } from 'node:worker_threads';
import Sqlite from 'better-sqlite3';

/**
 * The checkpointer's thread (`sqlite-checkpointer.ts`): its own connection to the database file,
 * copying the WAL's committed pages into the file every `intervalMs` with a PASSIVE checkpoint,
 * which waits for no reader or writer.
 */
const { file, intervalMs } = workerData as { file: string; intervalMs: number };
const db = new Sqlite(file);
db.pragma('busy_timeout = 5000');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or failing now: the next tick tries again, and the writer's own checkpoint is the backstop.
  }
}, intervalMs);
parentPort?.on('message', (m: string) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort?.postMessage('stopped');
});
