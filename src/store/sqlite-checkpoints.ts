import Sqlite from 'better-sqlite3';

/**
 * Copies a SQLite file's committed WAL pages into the file every `intervalMs`, on a connection of the
 * calling thread's own, with PASSIVE checkpoints: they wait for no reader or writer (SQLite never
 * calls the busy handler for them). Run by the checkpointer's thread or a decoding thread
 * (`sqlite-checkpointer.ts`). `stop` closes the connection between two checkpoints.
 */
export function checkpointEvery(file: string, intervalMs: number): { stop(): void } {
  const db = new Sqlite(file);
  db.pragma('busy_timeout = 5000');
  const timer = setInterval(() => {
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Busy or failing now: the next tick tries again, and the writer's own checkpoint is the backstop.
    }
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      db.close();
    },
  };
}
