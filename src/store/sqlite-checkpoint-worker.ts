import { parentPort, workerData } from 'node:worker_threads';
import { checkpointEvery } from './sqlite-checkpoints.js';

/** The checkpointer's own thread (`sqlite-checkpointer.ts`), where no decoding thread checkpoints. */
const { file, intervalMs } = workerData as { file: string; intervalMs: number };
const checkpoints = checkpointEvery(file, intervalMs);
parentPort?.on('message', (m: string) => {
  if (m !== 'stop') return;
  checkpoints.stop();
  parentPort?.postMessage('stopped');
});
