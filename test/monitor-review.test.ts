import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { monitorSchema } from '../src/config/monitor.js';
import type { SpanRecord } from '../src/core/trace.js';
import { startMonitorWorker } from '../src/monitor/worker.js';
import { reviewService } from '../src/review/service.js';
import { openStores } from '../src/store/open.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from './helpers/build.js';
import { runCli } from './helpers/cli.js';
import { freshSchema, PG_URL, pgExec, probePostgres } from './helpers/postgres.js';
import { tempDir } from './helpers/suite.js';
import { span } from './helpers/trace-store-contract.js';

vi.setConfig({ testTimeout: 120_000 });

// The monitor's `review:` rule (issue 15 → issue 16): one day of stored traffic in three segments
// (1,000 / 200 / 50 traces); 10% per segment goes into the review queue `weekly`, each trace once.

const DAY0 = Date.UTC(2026, 10, 2);
const SEGMENTS = { retail: 1000, pro: 200, edu: 50 } as const;
/** Trace ids are random-looking hex, as real ones are; this says which segment and number each is. */
const traceId = (segment: string, i: number) => createHash('md5').update(`${segment} ${i}`).digest('hex');
const origin = new Map<string, [string, number]>();

async function seed(db: string): Promise<void> {
  const stores = await openStores(db);
  try {
    const p = (await stores.traces.ensureProject('default')).id;
    const spans: SpanRecord[] = [];
    let k = 0;
    for (const [segment, n] of Object.entries(SEGMENTS)) {
      for (let i = 0; i < n; i++, k++) {
        origin.set(traceId(segment, i), [segment, i]);
        const startMs = DAY0 + k * 60_000;
        spans.push(
          span(p, traceId(segment, i), 's1', {
            startMs,
            endMs: startMs + 300,
            tags: { segment },
            input: [{ role: 'user', content: `question ${segment} ${i}` }],
            output: [{ role: 'assistant', content: `answer ${segment} ${i}`, finishReason: 'stop' }],
          }),
        );
      }
    }
    for (let i = 0; i < spans.length; i += 500)
      await stores.traces.writeIngest({
        spans: spans.slice(i, i + 500),
        scores: [],
        feedback: [],
        events: [],
      });
    await reviewService(stores.reviews).createQueue(
      { projectId: p },
      { name: 'weekly', dimensions: [{ name: 'helpful', scale: [1, 5] }], raters: 2, trapRate: 0 },
    );
  } finally {
    await stores.traces.close();
  }
}

async function queued(db: string) {
  const stores = await openStores(db);
  try {
    const p = (await stores.traces.ensureProject('default')).id;
    const q = (await stores.reviews.queueByName(p, 'weekly'))!;
    return await stores.reviews.listItems(q.id);
  } finally {
    await stores.traces.close();
  }
}

const CONFIG = `monitor:
  segments: [tags.segment]
  review: { queue: weekly, rate: 10%, stratifyBy: [tags.segment] }
  drift: { inputs: 'off', window: 1d, reference: { previous-windows: 1 } }
`;

function tests(where: () => { db: string; dir: string }) {
  const monitorRun = (dir: string, db: string, config = 'assay.yaml') =>
    runCli(
      [
        'monitor',
        'run',
        '--once',
        '-c',
        config,
        '--from',
        new Date(DAY0).toISOString(),
        '--to',
        new Date(DAY0 + 86_400_000).toISOString(),
        '--json',
        'm.json',
        '--db',
        db,
      ],
      { cwd: dir },
    );

  it('feeds a stratified 10% of the stored traces into the queue, each with its input, answer and trace link', async () => {
    const { db, dir } = where();
    const r = await monitorRun(dir, db);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const items = await queued(db);
    const per = (seg: string) =>
      items.filter((i) => (i.source as { segment: string }).segment === `tags.segment=${seg}`);
    // A per-trace hash draw at 10%: about 100 / 20 / 5.
    expect(per('retail').length).toBeGreaterThan(70);
    expect(per('retail').length).toBeLessThan(130);
    expect(per('pro').length).toBeGreaterThan(8);
    expect(per('pro').length).toBeLessThan(35);
    expect(per('edu').length).toBeGreaterThan(0);
    expect(per('edu').length).toBeLessThan(13);
    expect(per('retail').length + per('pro').length + per('edu').length).toBe(items.length);
    const item = items[0]!;
    const id = (item.source as { traceId: string }).traceId;
    const [segment, i] = origin.get(id)!;
    expect(item).toMatchObject({
      input: `question ${segment} ${i}`,
      output: `answer ${segment} ${i}`,
      source: { kind: 'trace', traceId: id, tags: { segment } },
    });
    const out = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
    expect(out.review).toEqual({ queue: 'weekly', added: items.length, already: 0 });
    expect(r.stdout).toMatch(new RegExp(`${items.length} traces queued for review in "weekly"`));
  });

  it('draws the same traces again and never adds one twice', async () => {
    const { db, dir } = where();
    const before = (await queued(db)).map((i) => i.id).sort();
    const r = await monitorRun(dir, db);
    expect(r.code).toBe(0);
    const out = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
    expect(out.review).toEqual({ queue: 'weekly', added: 0, already: before.length });
    expect((await queued(db)).map((i) => i.id).sort()).toEqual(before);
  });

  it('the worker inside assay serve feeds the queue of each window that closes, the same traces', async () => {
    const { db } = where();
    const stores = await openStores(db);
    try {
      const p = (await stores.traces.ensureProject('default')).id;
      await reviewService(stores.reviews).createQueue(
        { projectId: p },
        { name: 'live', dimensions: [{ name: 'helpful', scale: [1, 5] }], raters: 2, trapRate: 0 },
      );
      const config = monitorSchema.parse({
        segments: ['tags.segment'],
        review: { queue: 'live', rate: '10%', stratifyBy: ['tags.segment'] },
        drift: { inputs: 'off', window: '1d', reference: { 'previous-windows': 1 } },
      });
      let clock = DAY0 + 3_600_000;
      const errors: unknown[] = [];
      const worker = startMonitorWorker({
        config,
        traces: stores.traces,
        alerts: stores.alerts,
        reviews: stores.reviews,
        now: () => clock,
        intervalMs: 3_600_000,
        onError: (e) => errors.push(e),
      });
      clock = DAY0 + 86_400_000 + 60_000;
      await worker.tick();
      await worker.stop();
      expect(errors).toEqual([]);
      const live = await stores.reviews.listItems((await stores.reviews.queueByName(p, 'live'))!.id);
      const weekly = await queued(db);
      const traces = (items: typeof live) =>
        items.map((i) => (i.source as { traceId: string }).traceId).sort();
      expect(traces(live)).toEqual(traces(weekly));
    } finally {
      await stores.traces.close();
    }
  });

  it('a missing queue is a config error naming the field (exit 2)', async () => {
    const { db, dir } = where();
    writeFileSync(join(dir, 'other.yaml'), CONFIG.replace('queue: weekly', 'queue: monthly'));
    const r = await monitorRun(dir, db, 'other.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      'assay: error: monitor.review.queue: no review queue "monthly" in this project (queues: live, weekly)',
    );
  });
}

describe('the monitor’s review: rule on SQLite', () => {
  const tmp = tempDir('assay-monitor-review-');
  const db = join(tmp.dir, 'assay.db');
  beforeAll(async () => {
    await ensureBuilt();
    await seed(db);
    writeFileSync(join(tmp.dir, 'assay.yaml'), CONFIG);
  }, BUILD_TIMEOUT_MS);
  afterAll(() => tmp.cleanup());
  tests(() => ({ db, dir: tmp.dir }));
});

const probe = await probePostgres();

describe.runIf(probe.ok || process.env.CI)('the monitor’s review: rule on PostgreSQL', () => {
  const tmp = tempDir('assay-monitor-review-pg-');
  const schema = freshSchema('assay_monitor_review');
  const db = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  beforeAll(async () => {
    await ensureBuilt();
    await pgExec(`CREATE SCHEMA "${schema}"`);
    await seed(db);
    writeFileSync(join(tmp.dir, 'assay.yaml'), CONFIG);
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    tmp.cleanup();
    await pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });
  tests(() => ({ db, dir: tmp.dir }));
});
