import { Hono } from 'hono';
import type { TraceQuery } from '../../core/trace.js';
import { signalsJson } from '../../monitor/signals-json.js';
import { traceDetailJson, traceSummaryJson } from '../../monitor/trace-json.js';
import { MAX_TRACE_PAGE } from '../../store/kysely-trace-store.js';
import type { AppDeps, AppEnv } from '../env.js';
import { errorBody, HttpError } from '../http-error.js';
import { queryTime } from '../query.js';

/** Reads a trace list's query string; 400 with the field on a bad value. */
export function traceQuery(q: Record<string, string | undefined>): TraceQuery {
  const query: TraceQuery = {};
  const fromMs = queryTime(q.from, 'from');
  const toMs = queryTime(q.to, 'to');
  if (fromMs !== undefined) query.fromMs = fromMs;
  if (toMs !== undefined) query.toMs = toMs;
  if (q.limit !== undefined) {
    const n = Number(q.limit);
    if (!Number.isInteger(n) || n < 1 || n > MAX_TRACE_PAGE)
      throw new HttpError(
        400,
        'invalid',
        `limit: expected a whole number from 1 to ${MAX_TRACE_PAGE}`,
        'limit',
      );
    query.limit = n;
  }
  for (const key of ['sessionId', 'model', 'segment', 'promptVersion', 'cursor'] as const)
    if (q[key]) query[key] = q[key];
  return query;
}

/** `GET /api/v1/traces` (newest first, paged by `cursor`) and `GET /api/v1/traces/{traceId}`. */
export function traceRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/api/v1/traces', async (c) => {
    const page = await deps.store.listTraces(c.get('projectId'), traceQuery(c.req.query()));
    return c.json({ traces: page.traces.map(traceSummaryJson), nextCursor: page.nextCursor });
  });
  app.get('/api/v1/traces/:traceId', async (c) => {
    const id = c.req.param('traceId');
    const projectId = c.get('projectId');
    // Another project's trace is "not found", never "forbidden": its existence is not told.
    const trace =
      (await deps.store.getTrace(projectId, id)) ?? (await deps.store.getTrace(projectId, id.toLowerCase()));
    if (!trace) return c.json(errorBody('not-found', `no trace ${id} in this project`), 404);
    return c.json(
      traceDetailJson(trace, signalsJson(await deps.store.signalsForTrace(projectId, trace.traceId))),
    );
  });
  return app;
}
