import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../src/store/sqlite.js';
import { traceStoreOn } from '../src/store/trace-store.js';
import { backfillTraffic } from './helpers/backfill-traffic.js';
import { runCli, spawnCli } from './helpers/cli.js';
import { DAY, START, syntheticTraffic } from './helpers/synthetic-traffic.js';

let dir: string;
let db: string;
const iso = (day: number) => new Date(START + day * DAY).toISOString();

/**
 * 24 days of backfilled traffic through the native ingest API (past timestamps): 14 stationary
 * reference days, then 30% of inputs on a new topic from day 18, refusals from 3% to 20% from day
 * 20, thumbs-down from 10% to 35% from day 21 (thumbs written through the store's ingest path).
 */
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'assay-monitor-e2e-'));
  db = join(dir, 'assay.db');
  const store = traceStoreOn(await openSqliteStore(db));
  const traffic = syntheticTraffic({
    days: 24,
    perDay: 120,
    seed: 9,
    topicShift: { day: 18, share: 0.3 },
    refusal: { base: 0.03, from: 20, to: 0.2 },
    thumbsDown: { base: 0.1, from: 21, to: 0.35 },
  });
  await backfillTraffic(store, traffic);
  await store.close();
  writeFileSync(
    join(dir, 'assay.yaml'),
    `monitor:
  evaluators: [{ type: contains, value: days }]
  drift:
    reference: { from: ${iso(0).slice(0, 10)}, to: ${iso(13).slice(0, 10)} }
    window: 1d
  alerts:
    cooldown: 6h
`,
  );
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('assay monitor run --once over backfilled traffic', () => {
  it('finds the topic shift on day 18, the refusal jump, the thumbs-down rise, nothing before; alerts are stored', async () => {
    const out = join(dir, 'monitor.json');
    const r = await runCli(
      [
        'monitor',
        'run',
        '--once',
        '--from',
        iso(0),
        '--to',
        iso(24),
        '--json',
        out,
        '--fail-on-alert',
        '--db',
        db,
      ],
      { cwd: dir, timeoutMs: 300_000 },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const report = JSON.parse(readFileSync(out, 'utf8')) as {
      windows: { from: string; status: string }[];
      alerts: {
        kind: string;
        window: { from: string; to: string };
        statistic: number;
        p?: number;
        message: string;
      }[];
    };
    expect(report.windows).toHaveLength(24);
    const first = (kind: string) => report.alerts.find((a) => a.kind === kind)?.window.from;
    expect([iso(18), iso(19)]).toContain(first('drift.inputs'));
    expect(first('drift.outputs.refusal')).toBe(iso(20));
    expect([iso(21), iso(22)]).toContain(first('drift.metric.thumbs-down-rate'));
    expect(report.alerts.filter((a) => a.window.from < iso(18))).toEqual([]);
    for (const a of report.alerts) {
      expect(a).toMatchObject({
        window: { from: expect.any(String), to: expect.any(String) },
        message: expect.any(String),
      });
      expect(typeof a.statistic).toBe('number');
    }
    expect(r.stdout).toMatch(
      /^assay monitor: 24 windows \(10 tested\), \d+ alerts .*, \d+ online scores stored\n/,
    );
    // The sampled traces carry their online score, reported per window as sample and reweighted means.
    const day15 = report.windows[15] as unknown as {
      online: { sampled: number; scores: Record<string, { sample: number; reweighted: number }> };
    };
    expect(day15.online.sampled).toBeGreaterThanOrEqual(40);
    expect(day15.online.scores.contains!.reweighted).toBeGreaterThan(0);

    const listed = await runCli(['alerts', '--json', '--db', db], { cwd: dir });
    expect(listed.code).toBe(0);
    const stored = JSON.parse(listed.stdout) as { kind: string }[];
    expect(stored.some((a) => a.kind === 'drift.inputs')).toBe(true);
    // A second pass over the same traffic finds the same alerts and stores none again.
    const again = await runCli(['monitor', 'run', '--once', '--from', iso(0), '--to', iso(24), '--db', db], {
      cwd: dir,
      timeoutMs: 300_000,
    });
    expect(again.code).toBe(0);
    // Traces scored by the first pass are not scored (nor stored) again.
    expect(again.stdout).toMatch(/\(0 new, \d+ held back\)\n/);
  }, 400_000);
});

describe('assay serve -c with a monitor: section', () => {
  it('serves the monitoring routes and stops cleanly', async () => {
    const fresh = join(dir, 'serve.db');
    const running = spawnCli(['serve', '--port', '0', '--db', fresh, '-c', join(dir, 'assay.yaml')], {
      cwd: dir,
      timeoutMs: 60_000,
    });
    let url = '';
    let key = '';
    for (let i = 0; i < 600 && !key; i++) {
      await new Promise((r) => setTimeout(r, 50));
      url = /assay: listening on (http:\/\/\S+)/.exec(running.stdout())?.[1] ?? '';
      key = /\n\s+(assay_\S+)/.exec(running.stdout())?.[1] ?? '';
    }
    expect(key).toMatch(/^assay_/);
    const res = await fetch(`${url}/api/v1/monitor/alerts`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ alerts: [] });
    running.child.kill('SIGTERM');
    expect((await running.done).code).toBe(0);
  }, 90_000);
});
