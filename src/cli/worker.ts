import { AssayError } from '../core/errors.js';
import { openStore } from '../store/open.js';
import { gitCommit } from './git.js';
import { assayVersion } from './version.js';

export interface WorkerFlags {
  db?: string;
  concurrency?: number;
}

/** `assay worker --db postgres://… [--concurrency N]`: processes queued chunks of any run until stopped. */
export async function workerCommand(flags: WorkerFlags): Promise<number> {
  if (!flags.db || !/^postgres(ql)?:\/\//.test(flags.db))
    throw new AssayError('usage', 'assay worker needs the PostgreSQL store of the runs: --db postgres://…');
  const { openQueue } = await import('../distributed/queue.js');
  const { startWorker } = await import('../distributed/worker.js');
  const store = await openStore(flags.db);
  const boss = await openQueue(flags.db, process.env);
  const cwd = process.cwd();
  const commit = gitCommit(cwd);
  const concurrency = flags.concurrency ?? 10;
  const worker = await startWorker({
    store,
    boss,
    cwd,
    env: process.env,
    assayVersion: assayVersion(),
    ...(commit ? { gitCommit: commit } : {}),
    concurrency,
    log: (line) => process.stderr.write(line),
  });
  process.stderr.write(`assay worker: waiting for work (concurrency ${concurrency})\n`);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  // stop() cancels the calls in flight: a chunk in hand fails and is handed out again.
  process.stderr.write(
    'assay worker: stopping; chunks in hand go back to the queue, stored results are kept\n',
  );
  await worker.stop();
  await store.close();
  return 0;
}
