import { parentPort } from 'node:worker_threads';
import { isAssayError } from '../../core/errors.js';
import { type ConvertJob, convertOtlp, packConversion } from './convert.js';

/** A worker thread of the conversion pool: decodes and maps OTLP bodies off the server's main thread. */
parentPort?.on('message', (message: { id: number; job: ConvertJob }) => {
  try {
    parentPort!.postMessage({ id: message.id, packed: packConversion(convertOtlp(message.job)) });
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
