import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviewService } from '../src/review/service.js';
import type { ReviewStore } from '../src/review/store.js';
import type { KyselyStore } from '../src/store/kysely-store.js';
import { openPostgresStore } from '../src/store/postgres.js';
import { kyselyReviewStore } from '../src/store/review-store.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { freshSchema, PG_URL, pgExec, probePostgres } from './helpers/postgres.js';
import { tempDir } from './helpers/suite.js';

const pg = await probePostgres();
const RATERS = 24;
const ITEMS = 6;
const K = 2;

/**
 * Assignment is atomic: many `next` calls at the same instant, each from a different rater, never
 * give an item more than k live holders (the queue is locked while one call picks and leases).
 */
describe.each([
  { engine: 'SQLite', skip: false },
  { engine: 'PostgreSQL', skip: !pg.ok && !process.env.CI },
])('concurrent next and label calls never exceed k raters per item ($engine)', ({ engine, skip }) => {
  let store: KyselyStore;
  let reviews: ReviewStore;
  const schema = freshSchema('assay_assign');
  const dir = tempDir('assay-assign-');

  beforeAll(async () => {
    if (skip) return;
    store =
      engine === 'SQLite'
        ? await openSqliteStore(`${dir.dir}/assay.db`)
        : await openPostgresStore(PG_URL, { schema });
    reviews = kyselyReviewStore(store.db);
  });
  afterAll(async () => {
    if (skip) return;
    await store.close();
    dir.cleanup();
    if (engine === 'PostgreSQL') await pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

  it.skipIf(skip)(
    `${RATERS} raters at once on ${ITEMS} items with k = ${K}: at most k each, every slot used`,
    async () => {
      const service = reviewService(reviews);
      const admin = { projectId: 'p1' };
      await service.createQueue(admin, {
        name: 'race',
        dimensions: [{ name: 'ok', labels: ['y', 'n'] }],
        raters: K,
        trapRate: 0,
      });
      await service.addItems(admin, 'race', {
        items: Array.from({ length: ITEMS }, (_, i) => ({
          id: `race-${i}`,
          input: `q${i}`,
          output: `a${i}`,
        })),
      });
      const raters = Array.from({ length: RATERS }, (_, i) => ({
        id: `usr_r${i}`,
        projectId: 'p1',
        name: `r${i}`,
        role: 'reviewer' as const,
        createdAt: '2026-01-01T00:00:00.000Z',
        tokenHash: `h${i}`,
      }));
      const got = await Promise.all(raters.map((user) => service.next({ projectId: 'p1', user }, 'race')));
      const queue = await reviews.queueByName('p1', 'race');
      const rows = await reviews.labelRows(queue!.id);
      const holders = new Map<string, Set<string>>();
      for (const r of rows) holders.set(r.itemId, (holders.get(r.itemId) ?? new Set()).add(r.userId));
      for (const [item, users] of holders) expect(users.size, item).toBeLessThanOrEqual(K);
      // Every slot was handed out exactly once, and the other raters were told nothing is left.
      expect(rows).toHaveLength(ITEMS * K);
      expect(got.filter(Boolean)).toHaveLength(ITEMS * K);
      expect(got.filter((g) => g === undefined)).toHaveLength(RATERS - ITEMS * K);
    },
  );

  it.skipIf(skip)(
    `${RATERS} raters posting labels at once on one item with k = ${K}: never more than k labelled`,
    async () => {
      let clock = Date.UTC(2026, 0, 1);
      const service = reviewService(reviews, () => clock);
      const admin = { projectId: 'p1' };
      await service.createQueue(admin, {
        name: 'posts',
        dimensions: [{ name: 'ok', labels: ['y', 'n'] }],
        raters: K,
        trapRate: 0,
      });
      await service.addItems(admin, 'posts', { items: [{ id: 'one', input: 'q', output: 'a' }] });
      const raters = Array.from({ length: RATERS }, (_, i) => ({
        id: `usr_p${i}`,
        projectId: 'p1',
        name: `p${i}`,
        role: 'reviewer' as const,
        createdAt: '2026-01-01T00:00:00.000Z',
        tokenHash: `hp${i}`,
      }));
      // Half of them were given the item once and let the lease run out (each in turn, so the item
      // was free for the next); the other half never asked for it.
      const served = raters.slice(0, RATERS / 2);
      for (const user of served) {
        expect((await service.next({ projectId: 'p1', user }, 'posts'))?.id).toBe('one');
        clock += 31 * 60_000;
      }
      const posted = await Promise.allSettled(
        raters.map((user) => service.label({ projectId: 'p1', user }, 'one', { scores: { ok: 'y' } })),
      );
      const queue = await reviews.queueByName('p1', 'posts');
      const labelled = (await reviews.labelRows(queue!.id)).filter((r) => r.state === 'labelled');
      expect(labelled).toHaveLength(K);
      expect(posted.filter((p) => p.status === 'fulfilled')).toHaveLength(K);
      const reasons = posted.flatMap((p) => (p.status === 'rejected' ? [(p.reason as Error).message] : []));
      expect(reasons).toHaveLength(RATERS - K);
      expect(reasons.filter((m) => /not assigned to you/.test(m))).toHaveLength(RATERS / 2);
      expect(reasons.filter((m) => /has its 2 rater\(s\) already/.test(m))).toHaveLength(RATERS / 2 - K);
      // The two who got in were among those given the item.
      for (const r of labelled) expect(served.map((u) => u.id)).toContain(r.userId);
    },
  );
});
