import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpsMetricsGroup } from '../src/core/ops-metrics.js';
import type { TraceStore } from '../src/core/trace-store.js';
import { createApiKey } from '../src/monitor/api-keys.js';
import { type RunningServer, startServer } from '../src/server/main.js';
import { openPostgresStore } from '../src/store/postgres.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { traceStoreOn } from '../src/store/trace-store.js';
import { HOUR, plantTraffic, T0 } from './fixtures/traffic.js';
import { freshSchema, PG_URL, pgExec, probePostgres } from './helpers/postgres.js';
import { tempDir } from './helpers/suite.js';

const planted = [
  { traces: 40, errorEvery: 0, latencyMs: 200, model: 'gpt-4o-mini', segment: 'free', thumbsDownEvery: 0 },
  { traces: 60, errorEvery: 4, latencyMs: 900, model: 'gpt-4o', segment: 'pro', thumbsDownEvery: 0 },
];

const near = (value: number | null, expected: number) => {
  expect(value).not.toBeNull();
  expect(Math.abs(value! - expected) / expected).toBeLessThan(0.05);
};

/** 40 ok calls of 200 ms; 60 calls of 900 ms, 15 failed; each 100 in + 50 out tokens, $0.002. */
function checkModels(groups: OpsMetricsGroup[]) {
  expect(groups.map((g) => g.key)).toEqual(['gpt-4o', 'gpt-4o-mini']);
  const [big, mini] = groups as [OpsMetricsGroup, OpsMetricsGroup];
  expect(big).toMatchObject({ queries: 60, errors: 15, errorRate: 0.25, outputTokensPerAnswer: 50 });
  expect(big.costPerQuery).toBeCloseTo(0.002, 10);
  expect(big.costUsd).toBeCloseTo(0.12, 10);
  // 60 calls × 150 tokens spent for 45 successful answers.
  expect(big.tokensPerSuccessfulAnswer).toBeCloseTo(200, 10);
  near(big.latencyP50Ms, 900);
  near(big.latencyP95Ms, 900);
  near(big.latencyP99Ms, 900);
  expect(mini).toMatchObject({ queries: 40, errors: 0, errorRate: 0, tokensPerSuccessfulAnswer: 150 });
  near(mini.latencyP50Ms, 200);
}

function suite(name: string, open: () => Promise<{ store: TraceStore; cleanup(): Promise<void> }>) {
  describe(`operational metrics on ${name}`, () => {
    it('groups latency percentiles, error rate, cost and token efficiency by model, segment and hour', async () => {
      const { store, cleanup } = await open();
      try {
        const p = await store.ensureProject('default');
        const other = await store.ensureProject('other');
        await plantTraffic(store, p.id, planted);
        await plantTraffic(store, other.id, [{ ...planted[0]!, model: 'x', traces: 5 }]);
        const window = { fromMs: T0, toMs: T0 + 2 * HOUR };
        checkModels((await store.opsMetrics(p.id, { ...window, groupBy: 'model' })).groups);
        const seg = await store.opsMetrics(p.id, { ...window, groupBy: 'segment' });
        expect(seg.groups.map((g) => [g.key, g.queries, g.errors])).toEqual([
          ['free', 40, 0],
          ['pro', 60, 15],
        ]);
        const hours = await store.opsMetrics(p.id, { ...window, groupBy: 'hour' });
        expect(hours.groups.map((g) => [g.key, g.queries])).toEqual([
          [new Date(T0).toISOString(), 40],
          [new Date(T0 + HOUR).toISOString(), 60],
        ]);
        const firstHour = await store.opsMetrics(p.id, { fromMs: T0, toMs: T0 + HOUR, groupBy: 'model' });
        expect(firstHour.groups.map((g) => g.key)).toEqual(['gpt-4o-mini']);
      } finally {
        await cleanup();
      }
    });
  });
}

suite('SQLite', async () => {
  const { dir, cleanup } = tempDir('assay-ops-');
  const store = traceStoreOn(await openSqliteStore(`${dir}/a.db`));
  return {
    store,
    cleanup: async () => {
      await store.close();
      cleanup();
    },
  };
});

const probe = await probePostgres();
describe.runIf(probe.ok || process.env.CI)('PostgreSQL', () => {
  suite('PostgreSQL', async () => {
    const schema = freshSchema();
    const store = traceStoreOn(await openPostgresStore(PG_URL, { schema }));
    return {
      store,
      cleanup: async () => {
        await store.close();
        await pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      },
    };
  });
});

describe('GET /api/v1/metrics', () => {
  let server: RunningServer;
  let key: string;
  beforeAll(async () => {
    server = await startServer({ host: '127.0.0.1', port: 0, db: ':memory:', print: () => {} });
    const created = await createApiKey(server.store, 'ops');
    key = created.token;
    const project = (await server.store.listProjects()).find((p) => p.name === 'ops')!;
    await plantTraffic(server.store, project.id, planted);
  });
  afterAll(() => server.close());

  const get = (query: string) =>
    fetch(`${server.url}/api/v1/metrics${query}`, { headers: { authorization: `Bearer ${key}` } });

  it('answers the key’s project’s metrics as JSON', async () => {
    const res = await get(`?from=${new Date(T0).toISOString()}&to=${T0 + 2 * HOUR}&groupBy=model`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { groupBy: string; groups: OpsMetricsGroup[] };
    expect(body.groupBy).toBe('model');
    checkModels(body.groups);
  });

  it('takes promptVersion at ingestion and filters and groups traces, the series and the metrics by it', async () => {
    const at = T0 + 5 * HOUR;
    const event = (id: string, promptVersion?: string) => ({
      type: 'generation',
      id,
      timestamp: at + 1000,
      model: 'gpt-4o',
      input: 'q',
      output: 'a',
      latencyMs: 300,
      tags: { segment: 'pro' },
      ...(promptVersion ? { promptVersion } : {}),
    });
    const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const ingest = await fetch(`${server.url}/api/v1/ingest`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        events: [event('pv-a', 'v1'), event('pv-b', 'v2'), event('pv-c', 'v2'), event('pv-d')],
      }),
    });
    expect(ingest.status).toBe(200);
    const json = async (path: string) => {
      const res = await fetch(`${server.url}${path}`, { headers: auth });
      expect(res.status, path).toBe(200);
      return res.json() as Promise<Record<string, unknown>>;
    };
    const window = `from=${at}&to=${at + HOUR}`;
    const traces = (await json(`/api/v1/traces?${window}&promptVersion=v2`)) as {
      traces: { traceId: string; promptVersion: string }[];
    };
    expect(traces.traces.map((t) => [t.traceId, t.promptVersion]).sort()).toEqual([
      ['pv-b', 'v2'],
      ['pv-c', 'v2'],
    ]);
    const series = (await json(`/api/v1/metrics/traffic?${window}&bucket=1h&promptVersion=v1`)) as {
      buckets: { traces: number }[];
      promptVersions: string[];
    };
    expect(series.buckets.map((b) => b.traces)).toEqual([1]);
    expect(series.promptVersions).toEqual(['v1', 'v2']);
    const ops = (await json(`/api/v1/metrics?${window}&groupBy=promptVersion`)) as {
      groups: OpsMetricsGroup[];
    };
    expect(ops.groups.map((g) => [g.key, g.queries])).toEqual([
      ['(none)', 1],
      ['v1', 1],
      ['v2', 2],
    ]);
    const v2 = (await json(`/api/v1/metrics?${window}&groupBy=segment&promptVersion=v2`)) as {
      groups: OpsMetricsGroup[];
    };
    expect(v2.groups.map((g) => [g.key, g.queries])).toEqual([['pro', 2]]);
    const bad = await fetch(`${server.url}/api/v1/ingest`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ events: [{ ...event('pv-e'), promptVersion: 3 }] }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('events[0].promptVersion');
  });

  it('answers 400 naming the parameter on bad input, 401 without a key', async () => {
    for (const [q, field] of [
      ['?groupBy=day', 'groupBy'],
      ['?from=yesterday', 'from'],
      [`?from=${T0 + HOUR}&to=${T0}`, 'from'],
    ] as const) {
      const res = await get(q);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { field: string } }).error.field).toBe(field);
    }
    expect((await fetch(`${server.url}/api/v1/metrics`)).status).toBe(401);
  });

  it('reads the traffic series’ bucket as a duration, refusing an unreadable or sub-minute one by name', async () => {
    const window = `from=${T0}&to=${T0 + 2 * HOUR}`;
    const traffic = (query: string) =>
      fetch(`${server.url}/api/v1/metrics/traffic?${query}`, { headers: { authorization: `Bearer ${key}` } });
    const ok = await traffic(`${window}&bucket=1h`);
    expect(ok.status).toBe(200);
    const series = (await ok.json()) as { bucketMs: number; buckets: { traces: number }[] };
    expect(series.bucketMs).toBe(HOUR);
    expect(series.buckets.map((b) => b.traces)).toEqual([40, 60]);
    for (const bucket of ['soon', '0m', '30s', '1 hour']) {
      const res = await traffic(`${window}&bucket=${encodeURIComponent(bucket)}`);
      expect(res.status, bucket).toBe(400);
      expect(((await res.json()) as { error: { field: string } }).error.field).toBe('bucket');
    }
  });
});
