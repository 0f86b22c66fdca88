import { afterAll, describe, expect, it } from 'vitest';
import { monitorSchema } from '../src/config/monitor.js';
import { createApiKey } from '../src/monitor/api-keys.js';
import { createOnlineEvaluators } from '../src/monitor/online-eval.js';
import type { MonitorReport } from '../src/monitor/run-monitor.js';
import { standaloneModelCaller } from '../src/runner/call-model.js';
import { type RunningServer, startServer } from '../src/server/main.js';
import { sendTrace } from './helpers/alternate-traffic.js';
import { PG_URL, pgExec, pgQuery, probePostgres } from './helpers/postgres.js';
import { until } from './helpers/until.js';

/**
 * Two `assay serve` instances (built with `startServer`, as `assay serve` does) on one PostgreSQL
 * database: every span sent to either is stored once, and the monitor's background pass runs once
 * per window across both (the advisory lock + `monitor_passes`, src/store/window-claims.ts).
 */

const probe = await probePostgres();
const DB = `assay_two_${process.pid}_${Date.now().toString(36)}`;
const url = PG_URL.replace(/\/[^/?]*(\?.*)?$/, `/${DB}$1`);
const servers: RunningServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
  if (probe.ok) await pgExec(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`);
});

const W = 60_000;
const T0 = Date.parse('2026-11-20T10:00:00Z');

const query = <T>(sql: string) => pgQuery<T>(sql, url);

describe.runIf(probe.ok || process.env.CI)('two assay serve instances on one PostgreSQL', () => {
  it('store each span once and run each monitor window once', { timeout: 240_000 }, async () => {
    await pgExec(`CREATE DATABASE "${DB}"`);
    let now = T0 + 1_000;
    const passes: { instance: number; report: MonitorReport }[] = [];
    const errors: unknown[] = [];
    const config = monitorSchema.parse({
      drift: { window: '1m' },
      sampling: { rate: 1 },
      evaluators: [{ type: 'contains', value: '30 days' }],
    });
    const evaluators = await createOnlineEvaluators(config.evaluators, {
      baseDir: process.cwd(),
      loadModule: async () => ({}),
      env: {},
    });
    for (const instance of [0, 1]) {
      servers.push(
        await startServer({
          port: 0,
          db: url,
          print: () => {},
          monitor: {
            config,
            evaluators,
            models: standaloneModelCaller().models,
            // Drift needs vectors; any fixed function of the text will do here.
            embed: async (texts) => texts.map((t) => [t.length % 7, t.charCodeAt(0) % 5, 1]),
            onError: (e) => errors.push(e),
            now: () => now,
            intervalMs: 5,
            onWindow: (report) => passes.push({ instance, report }),
          },
        }),
      );
    }
    const { token } = await createApiKey(servers[0]!.store, 'default');

    // 40 traces in the first window, sent alternately to both instances, over OTLP and native ingest.
    for (let i = 0; i < 40; i++)
      expect(await sendTrace(servers[i % 2]!.url, token, i, T0 + 1_000 + i * 100)).toBe(200);
    for (const s of servers) await s.queue.drain();
    const spans = await query<{ n: number; distinct: number }>(
      `select count(*)::int as n, count(distinct (trace_id, span_id))::int as distinct from spans`,
    );
    expect(spans[0]).toEqual({ n: 40, distinct: 40 });

    // Three windows close; both workers look every 5 ms.
    now = T0 + 3 * W + 1_000;
    await until(
      'three monitor passes',
      async () => errors.length > 0 || (await query(`select 1 from monitor_passes`)).length === 3,
      200_000,
    );
    expect(errors).toEqual([]);
    for (const s of servers.splice(0)) await s.close();

    // One pass per window in total, whichever instance ran it.
    expect(passes).toHaveLength(3);
    expect(passes.reduce((n, p) => n + p.report.newScores.length, 0)).toBe(40);
    const marks = await query<{ window_start: number }>(
      `select window_start from monitor_passes where job = 'monitor' order by window_start`,
    );
    expect(marks.map((m) => Number(m.window_start))).toEqual([T0, T0 + W, T0 + 2 * W]);
    // The online scores of the first window were written once: one per trace.
    const scores = await query<{ n: number; distinct: number }>(
      `select count(*)::int as n, count(distinct trace_id)::int as distinct from span_scores where source = 'monitor'`,
    );
    expect(scores[0]).toEqual({ n: 40, distinct: 40 });
  });
});
