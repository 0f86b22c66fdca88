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
