import { Hono } from 'hono';
import { emptyBatch, type FeedbackRecord } from '../../core/trace.js';
import { feedbackToRecord } from '../../monitor/feedback.js';
import { admit, readBody } from '../body.js';
import { type AppDeps, type AppEnv, DEFAULT_MAX_BODY_BYTES } from '../env.js';
import { parseJsonBody } from './ingest.js';

/**
 * `POST /api/v1/feedback`: one feedback on a trace of the key's project, idempotent by `id`; 200
 * only once committed (through the ingest queue, like spans). Feedback may come before its trace.
 */
export function feedbackRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const limit = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const now = deps.now ?? Date.now;
  app.post('/api/v1/feedback', async (c) => {
    await admit(c, deps.queue, limit);
    let record: FeedbackRecord;
    try {
      record = feedbackToRecord(parseJsonBody(await readBody(c, limit)), c.get('projectId'), now());
      const batch = { ...emptyBatch(), feedback: [record] };
      await deps.queue.submit(deps.transform ? deps.transform(batch) : batch);
    } finally {
      deps.queue.leave();
    }
    return c.json({ id: record.id, traceId: record.traceId });
  });
  return app;
}
