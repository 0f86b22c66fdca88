import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generationEvent } from '../../test/helpers/backfill-traffic.js';
import { DAY, START, syntheticTraffic } from '../../test/helpers/synthetic-traffic.js';
import { monitorSchema } from '../config/monitor.js';
import type { TraceStore } from '../core/trace-store.js';
import { kyselyAlertStore } from '../store/alert-store.js';
import { openSqliteStore } from '../store/sqlite.js';
import { traceStoreOn } from '../store/trace-store.js';
import { createApiKey } from './api-keys.js';
import { nativeToBatch } from './native-event.js';
import { startMonitorWorker } from './worker.js';

let traces: TraceStore;
let alerts: ReturnType<typeof kyselyAlertStore>;
let projectId: string;
const iso = (d: number) => new Date(START + d * DAY).toISOString();

beforeAll(async () => {
  const store = await openSqliteStore(':memory:');
  traces = traceStoreOn(store);
  alerts = kyselyAlertStore(store.db);
  projectId = (await createApiKey(traces, 'default')).project.id;
  const traffic = syntheticTraffic({
    days: 18,
    perDay: 80,
    seed: 6,
    refusal: { base: 0.03, from: 16, to: 0.25 },
  });
  const events = traffic.map(generationEvent);
  await traces.writeIngest(nativeToBatch({ events }, projectId, START + 18 * DAY));
});
afterAll(() => traces.close());

describe('the monitor worker inside assay serve', () => {
  it('computes each window once it has closed and records its alerts', async () => {
    let now = START + 16 * DAY + 3_600_000;
    const config = monitorSchema.parse({
      drift: { reference: { from: iso(0).slice(0, 10), to: iso(13).slice(0, 10) }, inputs: 'off' },
    });
    const windows: string[] = [];
    const worker = startMonitorWorker({
      config,
      traces,
      alerts,
      now: () => now,
      intervalMs: 3_600_000,
      onWindow: (r) => windows.push(...r.windows.map((w) => w.from)),
      onError: (e) => {
        throw e;
      },
    });
    await worker.tick();
    expect(windows).toEqual([]); // day 16 is still open
    now = START + 17 * DAY + 1;
    await worker.tick();
    await worker.tick();
    expect(windows).toEqual([iso(16)]);
    const stored = await alerts.listAlerts(projectId, 0);
    expect(stored.map((a) => [a.kind, a.window.from])).toContainEqual(['drift.outputs.refusal', iso(16)]);
    await worker.stop();
  });
});
