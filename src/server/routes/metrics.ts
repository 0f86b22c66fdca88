import { Hono } from 'hono';
import { TrafficCounters } from '../../monitor/prometheus.js';
import { requireKey } from '../auth.js';
import type { AppDeps, AppEnv } from '../env.js';

/**
 * `GET /metrics`: Prometheus text format, authenticated like the API (a scrape config's
 * `authorization: { credentials: <key> }`): the ingest queue's and the signal tracker's counters,
 * and the key's project's LLM calls, errors, tokens, cost and latency histogram per model and
 * segment, since the start.
 */
export function metricsRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const counters = new TrafficCounters();
  deps.queue.observe((batch) => counters.observe(batch));
  app.use('/metrics', requireKey(deps.store));
  app.get('/metrics', (c) =>
    c.body(
      counters.render(c.get('projectId'), {
        queue: deps.queue.stats(),
        ...(deps.decodingThreads ? { decodingThreads: deps.decodingThreads() } : {}),
        ...(deps.signals ? { signals: deps.signals() } : {}),
      }),
      200,
      {
        'content-type': 'text/plain; version=0.0.4; charset=utf-8',
      },
    ),
  );
  return app;
}
