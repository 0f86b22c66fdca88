import { parentPort } from 'node:worker_threads';
import { isAssayError } from '../../core/errors.js';
import { createLocalEmbedder } from '../../embeddings/local.js';
import { checkpointEvery } from '../../store/sqlite-checkpoints.js';
import { type ConvertJob, convertOtlp, packConversion } from './convert.js';

/**
 * A worker thread of the conversion pool: decodes and maps OTLP bodies off the server's main thread,
 * embeds texts with the local embedder for the implicit signals (`ConvertPool.embed`), whose
 * vectors then load here rather than on the main thread, and checkpoints the SQLite store's WAL
 * when told to (`ConvertPool.checkpoint`).
 */
const embedder = createLocalEmbedder();
let checkpoints: { stop(): void } | undefined;

interface Message {
  id: number;
  job?: ConvertJob;
  embed?: string[];
  checkpoint?: { file: string; intervalMs: number };
  stopCheckpoints?: true;
}

parentPort?.on('message', (message: Message) => {
  if (message.checkpoint) {
    try {
      checkpoints ??= checkpointEvery(message.checkpoint.file, message.checkpoint.intervalMs);
    } catch (error) {
      // The writer's own checkpoint, the backstop, is left to do it.
      process.stderr.write(`assay: the decoding thread cannot checkpoint: ${(error as Error).message}\n`);
    }
    return;
  }
  if (message.stopCheckpoints) {
    checkpoints?.stop();
    checkpoints = undefined;
    parentPort!.postMessage({ checkpointsStopped: true });
    return;
  }
  if (message.embed) {
    embedder.embed(message.embed).then(
      (vectors) => parentPort!.postMessage({ id: message.id, vectors }),
      (error: Error) => parentPort!.postMessage({ id: message.id, error: { message: error.message } }),
    );
    return;
  }
  try {
    parentPort!.postMessage({ id: message.id, packed: packConversion(convertOtlp(message.job!)) });
  } catch (error) {
    const e = error as Error;
    parentPort!.postMessage({
      id: message.id,
      error: {
        message: e.message,
        code: isAssayError(error) ? error.code : undefined,
        field: isAssayError(error) ? error.field : undefined,
      },
    });
  }
});
