/**
 * What one `next` and one queue read cost on a large review queue: `npx tsx bench/review-next.ts
 * [items]` (default 10,000 items of ~3 KB of input, output and context each, k = 2, on a temporary
 * SQLite file). Five raters take 30 items in turn (`next`, then a label, then the queue's progress as
 * a rater reads it); prints the median of each call and the load average.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { reviewService } from '../src/review/service.js';
import { kyselyReviewStore } from '../src/store/review-store.js';
import { openSqliteStore } from '../src/store/sqlite.js';

const ITEMS = Number(process.argv[2] ?? 10_000);
const TEXT = 'lorem ipsum dolor sit amet '.repeat(40);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(1);

const dir = mkdtempSync(join(tmpdir(), 'assay-bench-review-next-'));
try {
  const store = await openSqliteStore(join(dir, 'assay.db'));
  const service = reviewService(kyselyReviewStore(store.db));
  const admin = { projectId: 'p1' };
  await service.createQueue(admin, {
    name: 'big',
    dimensions: [{ name: 'ok', labels: ['y', 'n'] }],
    raters: 2,
  });
  for (let i = 0; i < ITEMS; i += 1000) {
    const items = Array.from({ length: Math.min(1000, ITEMS - i) }, (_, j) => ({
      id: `b${i + j}`,
      input: { question: `${i + j} ${TEXT}` },
      output: `${TEXT} ${i + j}`,
      contexts: [TEXT],
    }));
    await service.addItems(admin, 'big', { items });
  }
  const rater = (r: number) => ({
    projectId: 'p1',
    user: {
      id: `usr_r${r}`,
      projectId: 'p1',
      name: `r${r}`,
      role: 'reviewer' as const,
      createdAt: '2026-01-01T00:00:00.000Z',
      tokenHash: `h${r}`,
    },
  });
  const calls = { next: [] as number[], label: [] as number[], queue: [] as number[] };
  const time = async <T>(into: number[], work: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const out = await work();
    into.push(performance.now() - t);
    return out;
  };
  for (let n = 0; n < 30; n++) {
    const actor = rater(n % 5);
    const item = await time(calls.next, () => service.next(actor, 'big'));
    if (!item) throw new Error('the queue ran out');
    await time(calls.label, () => service.label(actor, item.id, { scores: { ok: 'y' } }));
    await time(calls.queue, () => service.getQueue(actor, 'big'));
  }
  console.log(
    `${ITEMS} items: next p50 ${median(calls.next)} ms, label p50 ${median(calls.label)} ms, ` +
      `queue progress p50 ${median(calls.queue)} ms; load ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
  );
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
