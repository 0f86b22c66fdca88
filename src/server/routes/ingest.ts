import { Hono } from 'hono';
import { nativeToBatch } from '../../monitor/native-event.js';
import { parseJsonBody } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { takeIn } from '../take-in.js';

/** `POST /api/v1/ingest`: a native batch `{ events: [...] }`, idempotent by event id; 200 once committed. */
export function ingestRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const now = deps.now ?? Date.now;
  app.post('/api/v1/ingest', async (c) => {
    const { batch } = await takeIn(c, deps, (body) => ({
      batch: nativeToBatch(parseJsonBody(body), c.get('projectId'), now()),
    }));
    return c.json({ accepted: batch.events.length, ids: batch.events.map((e) => e.id) });
  });
  return app;
}
