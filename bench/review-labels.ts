/**
 * Rating throughput on one review queue: `npx tsx bench/review-labels.ts [items] [raters]` (default
 * 1,000 items, 20 raters, k = 2). Each rater loops `next` → label, all at once, through the review
 * service on a temporary SQLite file and, when it answers, the PostgreSQL at 127.0.0.1:5432 (db
 * `test`, a fresh schema). Both calls take the queue's lock (a label checks the rater still holds the
 * item: issue 16), so calls on one queue run one at a time; this measures what that costs. Prints
 * labels per second, the median and p95 of each call, that no item got more than k labels, and the
 * load average, since other work shares the machine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { reviewService } from '../src/review/service.js';
import type { KyselyStore } from '../src/store/kysely-store.js';
import { openPostgresStore } from '../src/store/postgres.js';
import { kyselyReviewStore } from '../src/store/review-store.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { freshSchema, PG_URL, pgExec, probePostgres } from '../test/helpers/postgres.js';

const ITEMS = Number(process.argv[2] ?? 1000);
const RATERS = Number(process.argv[3] ?? 20);
const K = 2;

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)]!;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

async function bench(engine: string, store: KyselyStore): Promise<void> {
  const reviews = kyselyReviewStore(store.db);
  const service = reviewService(reviews);
  const admin = { projectId: 'p1' };
  await service.createQueue(admin, {
    name: 'bench',
    dimensions: [{ name: 'ok', labels: ['y', 'n'] }],
    raters: K,
    trapRate: 0,
  });
  await service.addItems(admin, 'bench', {
    items: Array.from({ length: ITEMS }, (_, i) => ({ id: `b${i}`, input: `q${i}`, output: `a${i}` })),
  });
  const nexts: number[] = [];
  const labels: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: RATERS }, async (_, r) => {
      const actor = {
        projectId: 'p1',
        user: {
          id: `usr_b${r}`,
          projectId: 'p1',
          name: `b${r}`,
          role: 'reviewer' as const,
          createdAt: '2026-01-01T00:00:00.000Z',
          tokenHash: `hb${r}`,
        },
      };
      for (;;) {
        let t = performance.now();
        const item = await service.next(actor, 'bench');
        nexts.push(performance.now() - t);
        if (!item) return;
        t = performance.now();
        await service.label(actor, item.id, { scores: { ok: r % 2 ? 'y' : 'n' } });
        labels.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const q = (await reviews.queueByName('p1', 'bench'))!;
  const per = new Map<string, number>();
  for (const row of await reviews.labelRows(q.id))
    if (row.state === 'labelled') per.set(row.itemId, (per.get(row.itemId) ?? 0) + 1);
  const most = Math.max(...per.values());
  console.log(
    `${engine}: ${labels.length} labels by ${RATERS} raters on ${ITEMS} items (k = ${K}) in ${seconds.toFixed(1)} s = ${(labels.length / seconds).toFixed(0)} labels/s; ` +
      `next p50 ${pct(nexts, 0.5).toFixed(1)} ms p95 ${pct(nexts, 0.95).toFixed(1)} ms; label p50 ${pct(labels, 0.5).toFixed(1)} ms p95 ${pct(labels, 0.95).toFixed(1)} ms; ` +
      `most labels on one item: ${most}; load ${load()}`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'assay-bench-review-'));
try {
  const sqlite = await openSqliteStore(join(dir, 'assay.db'));
  await bench('SQLite', sqlite);
  await sqlite.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if ((await probePostgres()).ok) {
  const schema = freshSchema('assay_bench_review');
  const pg = await openPostgresStore(PG_URL, { schema });
  try {
    await bench('PostgreSQL', pg);
  } finally {
    await pg.close();
    await pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }
} else console.log('PostgreSQL: not reachable at 127.0.0.1:5432, skipped');
