import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monitorSchema } from '../src/config/monitor.js';
import type { TraceStore } from '../src/core/trace-store.js';
import { recordAlerts } from '../src/monitor/alerting.js';
import { createApiKey } from '../src/monitor/api-keys.js';
import type { DriftExample, DriftReportJson } from '../src/monitor/drift-json.js';
import { IngestQueue } from '../src/monitor/ingest-queue.js';
import { createApp } from '../src/server/app.js';
import { kyselyAlertStore } from '../src/store/alert-store.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { traceStoreOn } from '../src/store/trace-store.js';
import { generationEvent } from './helpers/backfill-traffic.js';
import { DAY, START, syntheticTraffic } from './helpers/synthetic-traffic.js';

let store: TraceStore;
let app: ReturnType<typeof createApp>;
let token: string;
let projectId: string;
let alerts: ReturnType<typeof kyselyAlertStore>;
const iso = (d: number) => new Date(START + d * DAY).toISOString();

beforeAll(async () => {
  const kysely = await openSqliteStore(':memory:');
  store = traceStoreOn(kysely);
  alerts = kyselyAlertStore(kysely.db);
  const key = await createApiKey(store, 'default');
  token = key.token;
  projectId = key.project.id;
  const config = monitorSchema.parse({
    drift: { reference: { from: iso(0).slice(0, 10), to: iso(13).slice(0, 10) }, inputs: 'off' },
  });
  app = createApp({
    store,
    queue: new IngestQueue((b) => store.writeIngest(b)),
    now: () => START + 20 * DAY,
    monitor: { config, alerts },
  });
  const traffic = syntheticTraffic({
    days: 20,
    perDay: 80,
    seed: 4,
    refusal: { base: 0.03, from: 16, to: 0.25 },
  });
  const events = traffic.map(generationEvent);
  const res = await app.request('/api/v1/ingest', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events }),
  });
  expect(res.status).toBe(200);
});
afterAll(() => store.close());

const get = (path: string, key = token) => app.request(path, { headers: { authorization: `Bearer ${key}` } });

describe('monitoring JSON API', () => {
  it('GET /api/v1/monitor/drift computes the windows and the alerts from stored traffic', async () => {
    const res = await get(`/api/v1/monitor/drift?from=${iso(0)}&to=${iso(20)}&window=1d`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as DriftReportJson;
    expect(body.windows).toHaveLength(20);
    expect(body.windows[15]!.status).toBe('tested');
    expect(body.windows[15]!.tests.map((t) => t.kind)).toContain('drift.outputs.length');
    expect(body.alerts.find((a) => a.kind === 'drift.outputs.refusal')?.window.from).toBe(iso(16));
    expect(body.alerts.filter((a) => a.window.from < iso(16))).toEqual([]);
    // The traces behind the alert: refusals of that window, by id, readable through the traces API.
    const refusal = body.windows[16]!.tests.find((t) => t.kind === 'drift.outputs.refusal')!;
    expect(refusal.alert).toBe(true);
    const examples = refusal.details!.examples as DriftExample[];
    expect(examples).toHaveLength(3);
    for (const e of examples) {
      expect(e.output).toMatch(/can't help/);
      const trace = await get(`/api/v1/traces/${e.traceId}`);
      expect(trace.status).toBe(200);
      expect(JSON.stringify(await trace.json())).toContain(iso(16).slice(0, 10));
    }
    // And what the figures were judged against.
    expect(body.settings).toEqual({
      window: DAY,
      alpha: 0.02,
      reference: { from: iso(0), to: iso(14) },
      inputs: 'off',
      correlation: null,
    });
  });

  it('GET /api/v1/monitor/alerts lists the recorded alerts; bad input is a 400 with the reason; no key is a 401', async () => {
    await recordAlerts(
      [
        {
          kind: 'drift.inputs',
          window: { from: iso(18), to: iso(19) },
          statistic: 0.1,
          message: 'inputs moved',
        },
      ],
      alerts,
      { projectId, cooldownMs: 0, now: () => START + 19 * DAY },
    );
    const res = await get('/api/v1/monitor/alerts?since=7d');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { alerts: { kind: string }[] }).alerts.map((a) => a.kind)).toEqual([
      'drift.inputs',
    ]);
    const bad = await get('/api/v1/monitor/drift?window=1 day');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toMatch(/window/);
    expect((await get('/api/v1/monitor/alerts', 'assay_wrong')).status).toBe(401);
  });
});
