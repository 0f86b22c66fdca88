import { Hono } from 'hono';
import { nativeToBatch } from '../../monitor/native-event.js';
import { admit, readBody } from '../body.js';
import { type AppDeps, type AppEnv, DEFAULT_MAX_BODY_BYTES } from '../env.js';
import { HttpError } from '../http-error.js';

/** Parses a JSON body, or 400 with the reason. */
export function parseJsonBody(body: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (error) {
    throw new HttpError(400, 'invalid', `the body is not JSON: ${(error as Error).message}`);
  }
}

/** `POST /api/v1/ingest`: a native batch `{ events: [...] }`, idempotent by event id; 200 once committed. */
export function ingestRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const limit = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const now = deps.now ?? Date.now;
  app.post('/api/v1/ingest', async (c) => {
    await admit(c, deps.queue, limit);
    let batch: ReturnType<typeof nativeToBatch>;
    try {
      const body = parseJsonBody(await readBody(c, limit));
      batch = nativeToBatch(body, c.get('projectId'), now());
      await deps.queue.submit(deps.transform ? deps.transform(batch) : batch);
    } finally {
      deps.queue.leave();
    }
    return c.json({ accepted: batch.events.length, ids: batch.events.map((e) => e.id) });
  });
  return app;
}
