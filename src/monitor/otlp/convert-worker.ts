import { parentPort } from 'node:worker_threads';
import { isAssayError } from '../../core/errors.js';
import { createLocalEmbedder } from '../../embeddings/local.js';
import { type ConvertJob, convertOtlp, packConversion } from './convert.js';

/**
 * A worker thread of the conversion pool: decodes and maps OTLP bodies off the server's main thread,
 * and embeds texts with the local embedder for the implicit signals (`ConvertPool.embed`), whose
 * vectors then load here rather than on the main thread.
 */
const embedder = createLocalEmbedder();

parentPort?.on('message', (message: { id: number; job?: ConvertJob; embed?: string[] }) => {
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
