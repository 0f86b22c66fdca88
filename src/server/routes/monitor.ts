import { Hono } from 'hono';
import type { MonitorConfig } from '../../config/monitor.js';
import type { Store } from '../../core/store.js';
import type { AlertStore } from '../../monitor/alert-store.js';
import { DEFAULT_ALPHA } from '../../monitor/detect.js';
import type { DriftReportJson, DriftSettings } from '../../monitor/drift-json.js';
import type { DriftWindowStore } from '../../monitor/drift-store.js';
import { storedDrift } from '../../monitor/drift-windows.js';
import { loadTraffic } from '../../monitor/from-store.js';
import { monitorCorrelation, trafficRange } from '../../monitor/run-monitor.js';
import type { AppDeps, AppEnv } from '../env.js';
import { HttpError } from '../http-error.js';
import { projectNames } from '../project-name.js';
import { queryDuration, queryTime } from '../query.js';
import { ShortCache } from '../short-cache.js';

/** What the monitoring routes need besides the trace store. */
export interface MonitorDeps {
  config: MonitorConfig;
  alerts: AlertStore;
  /** Stored offline runs, for the correlation. */
  runs?: Store;
  embed?: (texts: string[]) => Promise<ArrayLike<number>[]>;
  /** The id of the embedder behind `embed`: windows stored with another embedder are not reused. */
  embedder?: string;
  /**
   * Where closed windows' drift is kept (the monitor worker's and earlier requests'): a stored
   * window is read, not computed again. Without it every request computes every window.
   */
  windows?: DriftWindowStore;
}

const DAY = 86_400_000;
/**
 * How long a drift answer is kept per project and parameters. Closed windows are stored once
 * computed, but a request still reads them and the open window is computed each time; a request
 * while one is computing shares it rather than queueing a second computation behind it.
 */
export const DRIFT_CACHE_MS = 60_000;
/** Most windows one drift request computes. */
export const MAX_WINDOWS = 120;

/**
 * The monitoring page's JSON: `GET /api/v1/monitor/alerts?since=7d` (recorded alerts, newest first)
 * and `GET /api/v1/monitor/drift?from=&to=&window=` (every window's drift tests, the correlation
 * and the alerts found: closed windows read from the store when computed before, the rest computed
 * from stored traffic and stored; no judge is called),
 * with the `settings` they were computed with (window, alpha, reference, correlation thresholds).
 */
export function monitorRoutes(deps: AppDeps, monitor: MonitorDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const now = deps.now ?? Date.now;
  // The correlation reads the caller's project's offline runs only.
  const nameOf = projectNames(deps.store);
  app.get('/api/v1/monitor/alerts', async (c) => {
    const since = queryDuration(c.req.query('since'), 'since') ?? 7 * DAY;
    return c.json({ alerts: await monitor.alerts.listAlerts(c.get('projectId'), now() - since) });
  });
  const drift = new ShortCache<DriftReportJson>(DRIFT_CACHE_MS, 32, now);
  const driftReport = async (projectId: string, from: number, to: number, window: number) => {
    const config =
      monitor.config.drift.inputs === 'embedding' && !monitor.embed
        ? { ...monitor.config, drift: { ...monitor.config.drift, inputs: 'off' as const } }
        : monitor.config;
    const traffic = (a: number, b: number) => loadTraffic(deps.store, projectId, a, b);
    const { windows, alerts } = await storedDrift({
      config,
      projectId,
      from,
      to,
      window,
      now: now(),
      traffic,
      ...(monitor.embed ? { embed: monitor.embed } : {}),
      ...(monitor.embedder ? { embedder: monitor.embedder } : {}),
      ...(monitor.windows ? { store: monitor.windows } : {}),
    });
    // The correlation reads the traffic of its periods: only when it is configured.
    const runs =
      config.correlation && monitor.runs
        ? await monitor.runs.listRuns({ limit: 10_000, project: (await nameOf(projectId)) ?? '' })
        : undefined;
    const range = trafficRange(config, from, to, window);
    const correlated = runs
      ? monitorCorrelation(config, await traffic(range.loadFrom, range.loadTo), runs, from, to, window)
      : { correlation: [], predictors: [], alerts: [] };
    const { correlation, predictors } = correlated;
    alerts.push(...correlated.alerts);
    alerts.sort((a, b) => (a.window.from < b.window.from ? -1 : a.window.from > b.window.from ? 1 : 0));
    // What the figures were computed with, so a page can draw the thresholds it is judged against.
    const settings: DriftSettings = {
      window,
      alpha: DEFAULT_ALPHA,
      reference: config.drift.reference,
      inputs: config.drift.inputs,
      correlation: config.correlation ?? null,
    };
    return { windows, correlation, predictors, alerts, settings } satisfies DriftReportJson;
  };
  app.get('/api/v1/monitor/drift', async (c) => {
    const q = c.req.query();
    const window = queryDuration(q.window, 'window') ?? monitor.config.drift.window;
    const to = queryTime(q.to, 'to') ?? Math.floor(now() / window) * window;
    const from = queryTime(q.from, 'from') ?? to - 30 * window;
    if (!(from < to)) throw new HttpError(400, 'invalid', 'from: must be before to', 'from');
    if ((to - from) / window > MAX_WINDOWS)
      throw new HttpError(400, 'invalid', `window: at most ${MAX_WINDOWS} windows per request`, 'window');
    const projectId = c.get('projectId');
    const key = `${projectId}|${from}|${to}|${window}`;
    const body = await drift.get(key, () => driftReport(projectId, from, to, window));
    return c.json(body);
  });
  return app;
}
