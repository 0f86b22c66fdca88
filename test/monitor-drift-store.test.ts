import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monitorSchema } from '../src/config/monitor.js';
import type { TraceStore } from '../src/core/trace-store.js';
import { createApiKey } from '../src/monitor/api-keys.js';
import type { DriftReportJson } from '../src/monitor/drift-json.js';
import type { DriftWindowStore } from '../src/monitor/drift-store.js';
import { IngestQueue } from '../src/monitor/ingest-queue.js';
import { nativeToBatch } from '../src/monitor/native-event.js';
import { startMonitorWorker } from '../src/monitor/worker.js';
import { createApp } from '../src/server/app.js';
import { kyselyAlertStore } from '../src/store/alert-store.js';
import { kyselyDriftWindowStore } from '../src/store/drift-window-store.js';
import type { KyselyStore } from '../src/store/kysely-store.js';
import { openPostgresStore } from '../src/store/postgres.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { traceStoreOn } from '../src/store/trace-store.js';
import { generationEvent } from './helpers/backfill-traffic.js';
import { freshSchema, PG_URL, pgExec, probePostgres } from './helpers/postgres.js';
import { DAY, START, syntheticTraffic } from './helpers/synthetic-traffic.js';

const pg = await probePostgres();
const iso = (d: number) => new Date(START + d * DAY).toISOString();
const config = monitorSchema.parse({
  drift: { reference: { from: iso(0).slice(0, 10), to: iso(13).slice(0, 10) }, inputs: 'off' },
});

/** Counts what reaches the store: windows read back and windows written. */
function counted(inner: DriftWindowStore) {
  const counts = { read: 0, saved: [] as string[] };
  const store: DriftWindowStore = {
    async driftWindows(...args) {
      const found = await inner.driftWindows(...args);
      counts.read += found.size;
      return found;
    },
    async saveDriftWindows(projectId, settings, windowMs, windows, options) {
      counts.saved.push(...windows.map((w) => w.from));
      return inner.saveDriftWindows(projectId, settings, windowMs, windows, options);
    },
  };
  return { store, counts };
}

/**
 * The drift route answers closed windows from the store: the monitor worker's windows and those an
 * earlier request computed are read, not computed again, and equal what a computation on request
 * gives; the window still open is computed every time and never stored.
 */
describe.each([
  { engine: 'SQLite', skip: false },
  { engine: 'PostgreSQL', skip: !pg.ok && !process.env.CI },
])('stored drift windows ($engine)', ({ engine, skip }) => {
  let kysely: KyselyStore;
  let traces: TraceStore;
  let token: string;
  let projectId: string;
  const schema = freshSchema('assay_drift');
  // Day 20 is open: it has traffic, but its window has not ended.
  const now = START + 20 * DAY + 6 * 3_600_000;
  const appWith = (windows?: DriftWindowStore) =>
    createApp({
      store: traces,
      queue: new IngestQueue((b) => traces.writeIngest(b)),
      now: () => now,
      monitor: { config, alerts: kyselyAlertStore(kysely.db), ...(windows ? { windows } : {}) },
    });
  const drift = async (app: ReturnType<typeof createApp>) => {
    const res = await app.request(`/api/v1/monitor/drift?from=${iso(0)}&to=${iso(21)}&window=1d`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as DriftReportJson;
  };

  beforeAll(async () => {
    if (skip) return;
    kysely =
      engine === 'SQLite' ? await openSqliteStore(':memory:') : await openPostgresStore(PG_URL, { schema });
    traces = traceStoreOn(kysely);
    const key = await createApiKey(traces, 'default');
    token = key.token;
    projectId = key.project.id;
    const traffic = syntheticTraffic({
      days: 21,
      perDay: 60,
      seed: 9,
      refusal: { base: 0.03, from: 16, to: 0.3 },
    });
    const events = traffic.map(generationEvent);
    await traces.writeIngest(nativeToBatch({ events }, projectId, now));
  });
  afterAll(async () => {
    if (skip) return;
    await traces.close();
    if (engine === 'PostgreSQL') await pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

  it.skipIf(skip)('reads the worker’s window and stored windows instead of computing them', async () => {
    const onDemand = await drift(appWith());
    expect(onDemand.alerts.some((a) => a.kind === 'drift.outputs.refusal')).toBe(true);
    // The cost chart (a mean, EWMA) is there: the per-window chart is what gets stored.
    expect(onDemand.windows[15]!.tests.map((t) => t.kind)).toContain('drift.metric.cost-per-query');

    // The worker closes day 19 and stores its drift.
    const { store, counts } = counted(kyselyDriftWindowStore(kysely.db));
    let clock = START + 19 * DAY + 3_600_000;
    const worker = startMonitorWorker({
      config,
      traces,
      alerts: kyselyAlertStore(kysely.db),
      driftWindows: store,
      now: () => clock,
      intervalMs: 3_600_000,
      onError: (e) => {
        throw e;
      },
    });
    clock = START + 20 * DAY + 3_600_000;
    await worker.tick();
    await worker.stop();
    expect(counts.saved).toEqual([iso(19)]);

    // The first request computes the 19 closed windows the worker had not, stores them, and
    // computes the open day 20 without storing it.
    counts.saved.length = 0;
    const first = await drift(appWith(store));
    expect(counts.read).toBe(1);
    expect(counts.saved).toEqual(Array.from({ length: 19 }, (_, d) => iso(d)));
    expect(first).toEqual(onDemand);

    // A new server (no answer kept in memory) reads every closed window and computes only day 20.
    counts.saved.length = 0;
    counts.read = 0;
    const second = await drift(appWith(store));
    expect(counts.read).toBe(20);
    expect(counts.saved).toEqual([]);
    expect(second).toEqual(onDemand);
  });

  it.skipIf(skip)('answers with what is stored: a planted window is returned as it is', async () => {
    const windows = kyselyDriftWindowStore(kysely.db);
    const stored = await windows.driftWindows(
      projectId,
      (await import('../src/monitor/drift-windows.js')).driftWindowSettings(config, DAY).key,
      DAY,
      START,
      START + 21 * DAY,
    );
    expect([...stored.keys()].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, d) => START + d * DAY),
    );
    const planted = structuredClone(stored.get(START + 17 * DAY)!);
    planted.tests[0]!.message = 'planted: not computed';
    planted.tests[0]!.alert = true;
    await kysely.db
      .updateTable('drift_windows')
      .set({ report: JSON.stringify(planted) })
      .where('project_id', '=', projectId)
      .where('window_start', '=', START + 17 * DAY)
      .execute();
    const body = await drift(appWith(windows));
    expect(body.windows[17]!.tests[0]!.message).toBe('planted: not computed');
    expect(body.alerts.some((a) => a.message === 'planted: not computed')).toBe(true);
  });
});
