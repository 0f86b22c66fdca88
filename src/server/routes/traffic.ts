import { Hono } from 'hono';
import type { OpsMetricsQuery } from '../../core/ops-metrics.js';
import type { TrafficQuery } from '../../core/traffic-series.js';
import { MAX_BUCKETS } from '../../store/traffic-series.js';
import type { AppDeps, AppEnv } from '../env.js';
import { HttpError } from '../http-error.js';
import { queryDuration, queryTime } from '../query.js';

const DAY = 86_400_000;

/** Reads `from`, `to` (default: the last 7 days), `bucket` (`5m`, `1h`, `1d`; default about 150 points). */
export function trafficQuery(q: Record<string, string | undefined>, now: number): TrafficQuery {
  const toMs = queryTime(q.to, 'to') ?? now;
  const fromMs = queryTime(q.from, 'from') ?? toMs - 7 * DAY;
  if (!(fromMs < toMs)) throw new HttpError(400, 'invalid', 'from: must be before to', 'from');
  let bucketMs = queryDuration(q.bucket, 'bucket');
  if (bucketMs === undefined) {
    const steps = [60_000, 300_000, 900_000, 3_600_000, 6 * 3_600_000, DAY];
    bucketMs = steps.find((s) => (toMs - fromMs) / s <= 200) ?? DAY;
  } else if (bucketMs < 60_000) throw new HttpError(400, 'invalid', 'bucket: one minute at least', 'bucket');
  if ((toMs - fromMs) / bucketMs > MAX_BUCKETS)
    throw new HttpError(400, 'invalid', `bucket: at most ${MAX_BUCKETS} buckets per query`, 'bucket');
  return {
    fromMs,
    toMs,
    bucketMs,
    ...(q.segment ? { segment: q.segment } : {}),
    ...(q.model ? { model: q.model } : {}),
    ...(q.promptVersion ? { promptVersion: q.promptVersion } : {}),
  };
}

const GROUPS = ['model', 'segment', 'promptVersion', 'hour'] as const;

/**
 * Reads `from`, `to` (default: the last 24 hours), `groupBy` (`model`, `segment`, `promptVersion`,
 * `hour`; default `model`) and the filters `model`, `segment`, `promptVersion`.
 */
export function opsMetricsQuery(q: Record<string, string | undefined>, now: number): OpsMetricsQuery {
  const toMs = queryTime(q.to, 'to') ?? now;
  const fromMs = queryTime(q.from, 'from') ?? toMs - DAY;
  if (!(fromMs < toMs)) throw new HttpError(400, 'invalid', 'from: must be before to', 'from');
  const groupBy = q.groupBy ?? 'model';
  if (!(GROUPS as readonly string[]).includes(groupBy))
    throw new HttpError(400, 'invalid', 'groupBy: expected model, segment, promptVersion or hour', 'groupBy');
  if (groupBy === 'hour' && (toMs - fromMs) / 3_600_000 > MAX_BUCKETS)
    throw new HttpError(400, 'invalid', `from: at most ${MAX_BUCKETS} hours per query`, 'from');
  return {
    fromMs,
    toMs,
    groupBy: groupBy as OpsMetricsQuery['groupBy'],
    ...(q.model ? { model: q.model } : {}),
    ...(q.segment ? { segment: q.segment } : {}),
    ...(q.promptVersion ? { promptVersion: q.promptVersion } : {}),
  };
}

/**
 * `GET /api/v1/metrics/traffic`: the monitoring page's time series for the key's project;
 * `GET /api/v1/metrics`: operational metrics of its LLM calls per model, segment or hour.
 */
export function trafficRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/api/v1/metrics', async (c) => {
    const query = opsMetricsQuery(c.req.query(), (deps.now ?? Date.now)());
    return c.json(await deps.store.opsMetrics(c.get('projectId'), query));
  });
  app.get('/api/v1/metrics/traffic', async (c) => {
    const query = trafficQuery(c.req.query(), (deps.now ?? Date.now)());
    return c.json(await deps.store.trafficSeries(c.get('projectId'), query));
  });
  return app;
}
