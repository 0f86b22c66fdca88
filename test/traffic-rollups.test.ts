import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { OpsMetrics, OpsMetricsQuery } from '../src/core/ops-metrics.js';
import type { FeedbackRecord, SpanRecord } from '../src/core/trace.js';
import type { TraceStore } from '../src/core/trace-store.js';
import type { TrafficQuery, TrafficSeries } from '../src/core/traffic-series.js';
import type { KyselyTraceStore } from '../src/store/kysely-trace-store.js';
import { opsMetrics } from '../src/store/ops-metrics.js';
import { openPostgresStore } from '../src/store/postgres.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { traceStoreOn } from '../src/store/trace-store.js';
import { trafficSeries } from '../src/store/traffic-series.js';
import { freshSchema, PG_URL, pgExec, probePostgres } from './helpers/postgres.js';
import { tempDir } from './helpers/suite.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 2, 1);

/** A seeded generator (mulberry32): the same traffic on every run and both engines. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  return { next, pick, int: (n: number) => Math.floor(next() * n) };
}

/**
 * Random traffic over 30 hours, each trace's spans sent in several commits in shuffled order: late
 * spans move a trace's start into an earlier hour, stretch its latency, add a model, a cost, an
 * error, and name its segment or prompt version after a first span that named none; some spans are
 * resent. Returns the batches in sending order.
 */
function traffic(projectId: string, seed: number) {
  const r = random(seed);
  const batches: { spans: SpanRecord[]; feedback: FeedbackRecord[] }[] = [];
  const pending: SpanRecord[] = [];
  const feedback: FeedbackRecord[] = [];
  for (let t = 0; t < 300; t++) {
    const traceId = `trace-${seed}-${t}`;
    const base = T0 + Math.floor(r.next() * 30 * HOUR);
    const spans = 1 + r.int(4);
    for (let i = 0; i < spans; i++) {
      const start = base + Math.floor(r.next() * (i === 0 ? 1000 : 2 * HOUR)) + r.next();
      const ended = r.next() > 0.1;
      pending.push({
        projectId,
        traceId,
        spanId: `s${i}`,
        parentSpanId: i === 0 ? null : 's0',
        name: `op ${i}`,
        kind: 'llm',
        startMs: start,
        endMs: ended ? start + Math.exp(r.next() * 9) : null,
        model: r.pick(['gpt-4o', 'gpt-4o-mini', 'claude', null]),
        provider: null,
        operation: 'chat',
        inputTokens: r.next() > 0.2 ? r.int(500) : null,
        outputTokens: r.next() > 0.2 ? r.int(300) : null,
        totalTokens: null,
        costUsd: r.next() > 0.3 ? r.int(1000) / 7919 : null,
        input: [],
        output: [],
        contexts: [],
        attributes: {},
        status: r.next() > 0.9 ? 'error' : 'ok',
        error: null,
        sessionId: null,
        userId: null,
        tags: r.next() > 0.4 ? { segment: r.pick(['free', 'pro']) } : {},
        promptVersion: r.next() > 0.4 ? r.pick(['v1', 'v2', 'v3']) : null,
        source: 'native',
      });
    }
    if (r.next() > 0.5)
      feedback.push({
        projectId,
        id: `fb-${traceId}`,
        traceId,
        name: r.pick(['thumbs', 'stars']),
        value: r.pick([1, -1, 2, 5]),
        comment: null,
        correction: null,
        escalated: false,
        userId: null,
        timestampMs: base + r.int(3 * HOUR),
      });
  }
  for (let i = pending.length - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [pending[i], pending[j]] = [pending[j]!, pending[i]!];
  }
  for (let i = 0; i < pending.length; ) {
    const size = 1 + r.int(40);
    const spans = pending.slice(i, i + size);
    if (i > 0 && r.next() > 0.7) spans.push(pending[r.int(i)]!); // a retrying exporter
    batches.push({ spans, feedback: feedback.splice(0, r.int(5)) });
    i += size;
  }
  batches.push({ spans: [], feedback });
  return batches;
}

/** A window with ragged edges (or on the hour), a bucket and some filters, drawn at random. */
function queries(seed: number) {
  const r = random(seed);
  const out: { traffic: TrafficQuery; ops: OpsMetricsQuery }[] = [];
  for (let i = 0; i < 40; i++) {
    const aligned = r.next() > 0.7;
    const fromMs = T0 - HOUR + (aligned ? r.int(10) * HOUR : Math.floor(r.next() * 10 * HOUR));
    const toMs = fromMs + (aligned ? (1 + r.int(24)) * HOUR : Math.floor(r.next() * 28 * HOUR) + 1);
    const filters = {
      ...(r.next() > 0.6 ? { segment: r.pick(['free', 'pro']) } : {}),
      ...(r.next() > 0.6 ? { model: r.pick(['gpt-4o', 'claude']) } : {}),
      ...(r.next() > 0.6 ? { promptVersion: r.pick(['v1', 'v3']) } : {}),
    };
    out.push({
      traffic: { fromMs, toMs, bucketMs: r.pick([HOUR, 2 * HOUR, 3 * HOUR, 24 * HOUR]), ...filters },
      ops: {
        fromMs,
        toMs,
        groupBy: r.pick(['model', 'segment', 'promptVersion', 'hour'] as const),
        ...filters,
      },
    });
  }
  return out;
}

/** Counts and percentiles equal, sums of costs equal to rounding. */
function sameSeries(a: TrafficSeries, b: TrafficSeries, what: string) {
  expect(a.buckets.length, what).toBe(b.buckets.length);
  a.buckets.forEach((x, i) => {
    const y = b.buckets[i]!;
    const { costUsd, costPerTrace, ...counts } = x;
    const { costUsd: c2, costPerTrace: p2, ...counts2 } = y;
    expect(counts, `${what} bucket ${i}`).toEqual(counts2);
    expect(costUsd, what).toBeCloseTo(c2, 9);
    if (costPerTrace === null) expect(p2, what).toBeNull();
    else expect(costPerTrace, what).toBeCloseTo(p2!, 9);
  });
  expect([a.segments, a.models, a.promptVersions]).toEqual([b.segments, b.models, b.promptVersions]);
}

function sameOps(a: OpsMetrics, b: OpsMetrics, what: string) {
  expect(
    a.groups.map((g) => g.key),
    what,
  ).toEqual(b.groups.map((g) => g.key));
  a.groups.forEach((g, i) => {
    const h = b.groups[i]!;
    for (const [k, v] of Object.entries(g)) {
      const w = (h as unknown as Record<string, unknown>)[k];
      if (typeof v === 'number' && !Number.isInteger(v))
        expect(v, `${what} ${g.key} ${k}`).toBeCloseTo(w as number, 9);
      else expect(v, `${what} ${g.key} ${k}`).toEqual(w);
    }
  });
}

async function expectRollupsEqualRaw(store: TraceStore, projectId: string, seed: number) {
  const { db, dialect } = store as KyselyTraceStore;
  let rolled = 0;
  for (const [i, { traffic: tq, ops }] of queries(seed).entries()) {
    const what = `query ${i} ${JSON.stringify(tq)}`;
    const fast = await trafficSeries(db, dialect, projectId, tq);
    rolled += fast.buckets.reduce((s, b) => s + b.traces, 0);
    sameSeries(fast, await trafficSeries(db, dialect, projectId, tq, { rollups: false }), what);
    sameOps(
      await opsMetrics(db, dialect, projectId, ops),
      await opsMetrics(db, dialect, projectId, ops, { rollups: false }),
      `ops ${i} ${JSON.stringify(ops)}`,
    );
  }
  expect(rolled).toBeGreaterThan(0);
}

/** The rollup rows as stored, sorted, costs rounded (the order sums were taken in differs). */
async function rollupRows(store: TraceStore) {
  const { db } = store as KyselyTraceStore;
  const read = async (table: 'trace_rollup' | 'call_rollup') =>
    (await db.selectFrom(table).selectAll().execute())
      .map((r) =>
        Object.entries(r).map(([k, v]) => [
          k,
          k === 'cost_usd' || k === 'latency_ms' ? Number(v).toFixed(6) : String(v),
        ]),
      )
      .map((r) => JSON.stringify(r))
      .sort();
  return { traces: await read('trace_rollup'), calls: await read('call_rollup') };
}

function rollupSuite(
  name: string,
  open: () => Promise<{ reopen(): Promise<TraceStore>; cleanup(): Promise<void> }>,
) {
  describe(`hourly rollups on ${name}`, () => {
    it('answer as the raw traces do, through late spans, resends, a prune and a backfill by the migration', async () => {
      const fixture = await open();
      let store = await fixture.reopen();
      try {
        const p = (await store.ensureProject('default')).id;
        const other = (await store.ensureProject('other')).id;
        for (const seed of [1, 2]) {
          for (const b of traffic(p, seed)) await store.writeIngest({ ...b, scores: [], events: [] });
        }
        for (const b of traffic(other, 3)) await store.writeIngest({ ...b, scores: [], events: [] });
        // Fresh tables have no planner statistics yet (autovacuum would gather them in time).
        if ((store as KyselyTraceStore).dialect === 'postgres')
          await sql`analyze traces, spans, feedback, span_scores, trace_rollup, call_rollup`.execute(
            (store as KyselyTraceStore).db,
          );
        await expectRollupsEqualRaw(store, p, 10);

        // The migration's backfill computes the rows the ingest path kept up to date.
        const kept = await rollupRows(store);
        const { db } = store as KyselyTraceStore;
        for (const stmt of [
          'drop table trace_rollup',
          'drop table call_rollup',
          'drop index feedback_time_idx',
          'drop index span_scores_time_idx',
          "delete from assay_migrations where name in ('011_traffic_rollups', '012_rollups_clustered')",
        ])
          await sql.raw(stmt).execute(db);
        await store.close();
        store = await fixture.reopen();
        expect(await rollupRows(store)).toEqual(kept);

        // Prune cuts into an hour; the rollups follow.
        await store.prune(T0 + 7 * HOUR + 1234.5);
        if ((store as KyselyTraceStore).dialect === 'postgres')
          await sql`analyze traces, spans, feedback, span_scores, trace_rollup, call_rollup`.execute(
            (store as KyselyTraceStore).db,
          );
        await expectRollupsEqualRaw(store, p, 11);
        expect(
          (await store.trafficSeries(p, { fromMs: T0, toMs: T0 + 7 * HOUR, bucketMs: HOUR })).buckets.map(
            (b) => b.traces,
          ),
        ).toEqual([0, 0, 0, 0, 0, 0, 0]);
      } finally {
        await store.close();
        await fixture.cleanup();
      }
    }, 300_000);
  });
}

rollupSuite('SQLite', async () => {
  const { dir, cleanup } = tempDir('assay-rollups-');
  return {
    reopen: async () => traceStoreOn(await openSqliteStore(`${dir}/assay.db`)),
    cleanup: async () => cleanup(),
  };
});

const probe = await probePostgres();
describe.runIf(probe.ok || process.env.CI)('PostgreSQL', () => {
  rollupSuite('PostgreSQL', async () => {
    const schema = freshSchema();
    return {
      reopen: async () => traceStoreOn(await openPostgresStore(PG_URL, { schema })),
      cleanup: () => pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`),
    };
  });
});
