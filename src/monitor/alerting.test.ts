import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freshSchema, PG_URL, pgExec, probePostgres } from '../../test/helpers/postgres.js';
import { kyselyAlertStore } from '../store/alert-store.js';
import type { KyselyStore } from '../store/kysely-store.js';
import { openPostgresStore } from '../store/postgres.js';
import { openSqliteStore } from '../store/sqlite.js';
import type { MonitorAlert } from './alert.js';
import { recordAlerts } from './alerting.js';
import { postWebhook } from './notify.js';

/** A real webhook receiver: answers the queued statuses in turn (then 200), keeps every body. */
function receiver(statuses: number[] = [], headers: Record<string, string> = {}) {
  const bodies: unknown[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let data = '';
    req.on('data', (c) => {
      data += c;
    });
    req.on('end', () => {
      bodies.push({ contentType: req.headers['content-type'], body: JSON.parse(data) });
      const status = statuses.shift() ?? 200;
      res.writeHead(status, status === 200 ? {} : headers).end(status === 200 ? 'ok' : 'busy');
    });
  });
  return new Promise<{ url: string; bodies: unknown[]; close: () => Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/hook/T000/B000/secret`,
        bodies,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

const alert = (kind: string, day: number): MonitorAlert => ({
  kind,
  window: {
    from: new Date(Date.UTC(2026, 10, 1 + day)).toISOString(),
    to: new Date(Date.UTC(2026, 10, 2 + day)).toISOString(),
  },
  statistic: 0.4,
  p: 0.001,
  effect: 0.3,
  message: 'inputs moved',
});

describe('postWebhook', () => {
  it('POSTs Slack-compatible JSON, retrying 503s (honouring Retry-After) until it goes through', async () => {
    const hook = await receiver([503, 503], { 'retry-after': '0' });
    const waits: number[] = [];
    const r = await postWebhook(hook.url, alert('drift.inputs', 18), {
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    await hook.close();
    expect(r).toEqual({ ok: true, attempts: 3, status: 200 });
    expect(waits).toEqual([0, 0]);
    expect(hook.bodies).toHaveLength(3);
    const { contentType, body } = hook.bodies[2] as {
      contentType: string;
      body: { text: string; alert: MonitorAlert };
    };
    expect(contentType).toBe('application/json');
    expect(body.text).toMatch(/^Assay alert drift\.inputs for 2026-11-19T00:00:00.000Z – .*: inputs moved$/);
    expect(body.alert.kind).toBe('drift.inputs');
  });

  it('without Retry-After it backs off exponentially from backoffMs; an HTTP-date Retry-After is honoured', async () => {
    const hook = await receiver([503, 503]);
    const waits: number[] = [];
    const sleep = async (ms: number) => {
      waits.push(ms);
    };
    expect(await postWebhook(hook.url, alert('budget', 1), { sleep })).toMatchObject({
      ok: true,
      attempts: 3,
    });
    expect(waits).toEqual([1000, 2000]);
    await hook.close();
    const dated = await receiver([429], { 'retry-after': new Date(Date.now() + 30_000).toUTCString() });
    waits.length = 0;
    expect(await postWebhook(dated.url, alert('budget', 1), { sleep })).toMatchObject({
      ok: true,
      attempts: 2,
    });
    await dated.close();
    expect(waits[0]).toBeGreaterThan(20_000);
    expect(waits[0]).toBeLessThanOrEqual(30_000);
  });

  it('gives up after the attempts, with a reason that does not carry the URL; a 400 is final', async () => {
    const hook = await receiver([500, 500, 500, 500, 500]);
    const r = await postWebhook(hook.url, alert('budget', 1), { attempts: 3, backoffMs: 1 });
    expect(r).toMatchObject({ ok: false, attempts: 3, status: 500 });
    expect(r.error).not.toMatch(/secret|127\.0\.0\.1/);
    const bad = await receiver([400]);
    expect(await postWebhook(bad.url, alert('budget', 1), { backoffMs: 1 })).toMatchObject({
      ok: false,
      attempts: 1,
    });
    await hook.close();
    await bad.close();
    const gone = await postWebhook(hook.url, alert('budget', 1), { attempts: 2, backoffMs: 1 });
    expect(gone).toEqual({ ok: false, attempts: 2, error: 'webhook could not be reached' });
  });
});

const probe = await probePostgres();
const backends: [string, () => Promise<KyselyStore>, () => Promise<void>][] = [
  ['SQLite', () => openSqliteStore(':memory:'), async () => {}],
];
const schema = freshSchema();
if (probe.ok || process.env.CI) {
  backends.push([
    'PostgreSQL',
    () => openPostgresStore(PG_URL, { schema }),
    () => pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`),
  ]);
}

describe.each(backends)('recordAlerts on %s', (_name, open, drop) => {
  let store: KyselyStore;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(async () => {
    await store.close();
    await drop();
  });
  afterEach(async () => {
    await store.db.deleteFrom('monitor_alerts').execute();
  });

  it('stores each alert once, holds back reruns and alerts within the cooldown, and sends new ones', async () => {
    const alerts = kyselyAlertStore(store.db);
    const hook = await receiver();
    const opts = { projectId: 'p1', cooldownMs: 2 * 86_400_000, webhook: hook.url, now: () => 1000 };
    const first = await recordAlerts(
      [alert('drift.inputs', 18), alert('drift.outputs.refusal', 18)],
      alerts,
      opts,
    );
    expect(first.recorded.map((a) => a.kind).sort()).toEqual(['drift.inputs', 'drift.outputs.refusal']);
    expect(first.recorded.every((a) => a.notified)).toBe(true);
    // A rerun over the same window, and the next day within a 2-day cooldown: held back.
    const again = await recordAlerts([alert('drift.inputs', 18), alert('drift.inputs', 19)], alerts, opts);
    expect(again.recorded).toEqual([]);
    expect(again.suppressed).toHaveLength(2);
    // Past the cooldown it fires again; another project is apart.
    expect((await recordAlerts([alert('drift.inputs', 20)], alerts, opts)).recorded).toHaveLength(1);
    expect(
      (await recordAlerts([alert('drift.inputs', 18)], alerts, { ...opts, projectId: 'p2' })).recorded,
    ).toHaveLength(1);
    await hook.close();
    expect(hook.bodies).toHaveLength(4);
    const listed = await alerts.listAlerts('p1', 0);
    expect(listed.map((a) => a.kind).sort()).toEqual([
      'drift.inputs',
      'drift.inputs',
      'drift.outputs.refusal',
    ]);
    expect(listed[0]).toMatchObject({
      projectId: 'p1',
      statistic: 0.4,
      p: 0.001,
      effect: 0.3,
      notified: true,
    });
  });

  it('a webhook that fails is recorded on the alert, and the alert is still stored', async () => {
    const alerts = kyselyAlertStore(store.db);
    const r = await recordAlerts([alert('correlation', 3)], alerts, {
      projectId: 'p1',
      cooldownMs: 0,
      webhook: 'http://127.0.0.1:9/none',
      webhookOptions: { attempts: 1 },
    });
    expect(r.recorded[0]).toMatchObject({ notified: false, notifyError: 'webhook could not be reached' });
    expect((await alerts.listAlerts('p1', 0))[0]!.notifyError).toBe('webhook could not be reached');
  });
});
