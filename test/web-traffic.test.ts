import { describe, expect, it } from 'vitest';
import type { TraceStore } from '../src/core/trace-store.js';
import { openPostgresStore } from '../src/store/postgres.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { traceStoreOn } from '../src/store/trace-store.js';
import { HOUR, plantTraffic, T0 } from './fixtures/traffic.js';
import { freshSchema, PG_URL, pgExec, probePostgres } from './helpers/postgres.js';
import { tempDir } from './helpers/suite.js';

function trafficSuite(name: string, open: () => Promise<{ store: TraceStore; cleanup(): Promise<void> }>) {
  describe(`traffic time series on ${name}`, () => {
    it('buckets volume, errors, latency p50/p95, cost, tokens, feedback and scores by hour', async () => {
      const { store, cleanup } = await open();
      try {
        const p = await store.ensureProject('default');
        const other = await store.ensureProject('other');
        await plantTraffic(store, p.id, [
          {
            traces: 40,
            errorEvery: 0,
            latencyMs: 200,
            model: 'gpt-4o-mini',
            segment: 'free',
            thumbsDownEvery: 10,
          },
          { traces: 60, errorEvery: 4, latencyMs: 900, model: 'gpt-4o', segment: 'pro', thumbsDownEvery: 2 },
        ]);
        await plantTraffic(store, other.id, [
          { traces: 5, errorEvery: 1, latencyMs: 50, model: 'x', segment: 'x', thumbsDownEvery: 1 },
        ]);
        const s = await store.trafficSeries(p.id, { fromMs: T0, toMs: T0 + 3 * HOUR, bucketMs: HOUR });
        expect(s.buckets.map((b) => b.startMs)).toEqual([T0, T0 + HOUR, T0 + 2 * HOUR]);
        const [a, b, empty] = s.buckets;
        expect([a!.traces, b!.traces, empty!.traces]).toEqual([40, 60, 0]);
        expect(a!.errorRate).toBe(0);
        expect(b!.errors).toBe(15);
        expect(b!.errorRate).toBeCloseTo(0.25);
        // Percentiles from a 5%-wide log histogram.
        expect(a!.latencyP50Ms! / 200).toBeGreaterThan(0.95);
        expect(a!.latencyP50Ms! / 200).toBeLessThan(1.05);
        expect(b!.latencyP95Ms! / 900).toBeGreaterThan(0.95);
        expect(b!.latencyP95Ms! / 900).toBeLessThan(1.05);
        expect(a!.costUsd).toBeCloseTo(0.08);
        expect(a!.costPerTrace).toBeCloseTo(0.002);
        expect(a!.inputTokens).toBe(4000);
        expect(a!.outputTokens).toBe(2000);
        expect(a!.feedback).toBe(40);
        expect(a!.negativeRate).toBeCloseTo(0.1);
        expect(b!.negativeRate).toBeCloseTo(0.5);
        expect(b!.meanScore).toBeCloseTo(0.6);
        expect(empty!.latencyP50Ms).toBeNull();
        expect(empty!.errorRate).toBeNull();
        expect(s.segments).toEqual(['free', 'pro']);
        expect(s.models).toEqual(['gpt-4o', 'gpt-4o-mini']);

        const pro = await store.trafficSeries(p.id, {
          fromMs: T0,
          toMs: T0 + 2 * HOUR,
          bucketMs: HOUR,
          segment: 'pro',
        });
        expect(pro.buckets.map((x) => x.traces)).toEqual([0, 60]);
        const mini = await store.trafficSeries(p.id, {
          fromMs: T0,
          toMs: T0 + 2 * HOUR,
          bucketMs: HOUR,
          model: 'gpt-4o-mini',
        });
        expect(mini.buckets.map((x) => x.traces)).toEqual([40, 0]);
      } finally {
        await cleanup();
      }
    });
  });
}

trafficSuite('SQLite', async () => {
  const { dir, cleanup } = tempDir('assay-traffic-');
  const store = traceStoreOn(await openSqliteStore(`${dir}/assay.db`));
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
  trafficSuite('PostgreSQL', async () => {
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
