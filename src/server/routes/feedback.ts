import { Hono } from 'hono';
import { emptyBatch } from '../../core/trace.js';
import { feedbackToRecord } from '../../monitor/feedback.js';
import { parseJsonBody } from '../body.js';
import type { AppDeps, AppEnv } from '../env.js';
import { takeIn } from '../take-in.js';

/**
 * `POST /api/v1/feedback`: one feedback on a trace of the key's project, idempotent by `id`; 200
 * only once committed (through the ingest queue, like spans). Feedback may come before its trace.
 */
export function feedbackRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const now = deps.now ?? Date.now;
  app.post('/api/v1/feedback', async (c) => {
    const { record } = await takeIn(c, deps, (body) => {
      const record = feedbackToRecord(parseJsonBody(body), c.get('projectId'), now());
      return { record, batch: { ...emptyBatch(), feedback: [record] } };
    });
    return c.json({ id: record.id, traceId: record.traceId });
  });
  return app;
}
