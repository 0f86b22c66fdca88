import type { Context } from 'hono';
import type { IngestBatch } from '../core/trace.js';
import { admit, readBody } from './body.js';
import { type AppDeps, type AppEnv, DEFAULT_BODY_TIMEOUT_MS, DEFAULT_MAX_BODY_BYTES } from './env.js';

/**
 * How every ingest route (OTLP, native events, feedback) takes a body in: admitted to the queue before
 * it is read (503 at once when full), read within the body limit and time once its turn comes (the
 * body left in the socket until then), turned into a batch by `build`, passed through `transform`
 * (redaction) and submitted. Resolves with what `build` made once the batch is committed; the
 * queue's request slot and turn are always given back.
 */
export async function takeIn<T extends { batch: IngestBatch }>(
  c: Context<AppEnv>,
  deps: AppDeps,
  build: (body: Uint8Array) => T | Promise<T>,
): Promise<T> {
  const limit = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  await admit(c, deps.queue, limit);
  try {
    await deps.queue.turn();
    const body = await readBody(c, limit, deps.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS);
    const built = await build(body);
    await deps.queue.submit(deps.transform ? deps.transform(built.batch) : built.batch);
    return built;
  } finally {
    deps.queue.leave();
  }
}
