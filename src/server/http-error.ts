import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isAssayError } from '../core/errors.js';
import { QueueFullError } from '../monitor/ingest-queue.js';
import { DecoderStoppedError } from '../monitor/otlp/convert-pool.js';

/** The error body of every route: `{ error: { code, message, field? } }`. */
export function errorBody(code: string, message: string, field?: string) {
  return { error: { code, message, ...(field ? { field } : {}) } };
}

/** Raised by routes for a status with a reason; mapped to JSON by `onError`. */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/**
 * Errors → HTTP at the edge only: bad input 400, a full queue 503 with `Retry-After` (OTLP
 * exporters retry on it), anything else 500 without internals. Never echoes a header or a key.
 */
export function respondError(error: unknown, c: Context): Response {
  if (error instanceof HttpError) {
    return c.json(errorBody(error.code, error.message, error.field), error.status);
  }
  if (error instanceof QueueFullError) {
    c.header('Retry-After', '1');
    return c.json(errorBody('overloaded', error.message), 503);
  }
  if (error instanceof DecoderStoppedError) {
    c.header('Retry-After', '1');
    return c.json(errorBody('unavailable', error.message), 503);
  }
  if (isAssayError(error) && (error.code === 'usage' || error.code === 'input.invalid')) {
    return c.json(errorBody('invalid', error.message, error.field), 400);
  }
  if (isAssayError(error) && error.code === 'store.failed') {
    c.header('Retry-After', '5');
    return c.json(errorBody('unavailable', 'the store is not available; retry later'), 503);
  }
  process.stderr.write(
    `assay: ${c.req.method} ${c.req.path} failed: ${(error as Error)?.message ?? error}\n`,
  );
  return c.json(errorBody('internal', 'internal error'), 500);
}
