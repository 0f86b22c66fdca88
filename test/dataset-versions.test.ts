import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Case } from '../src/core/case.js';
import { diffDatasets } from '../src/datasets/hygiene/diff.js';
import { healthOf } from '../src/datasets/hygiene/health.js';
import { datasetVersions, firstSeen, storedVersionCases } from '../src/datasets/hygiene/versions.js';
import { datasetVersion } from '../src/datasets/version.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { runCli } from './helpers/cli.js';

const base: Case[] = Array.from({ length: 50 }, (_, i) => ({
  id: `c${i}`,
  vars: { question: `question ${i}` },
  expected: `answer ${i}`,
  tags: { type: i % 2 ? 'simple' : 'multi-step' },
}));

describe('dataset versions and diff', () => {
  it('lists stored versions with strata, and the diff of two versions lists exactly the changed cases', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-versions-'));
    const store = await openSqliteStore(join(dir, 'assay.db'));
    try {
      const next = base
        .filter((c) => c.id !== 'c10')
        .map((c) => {
          if (c.id === 'c3') return { ...c, expected: 'a better answer 3' };
          if (c.id === 'c8') return { ...c, tags: { type: 'simple' } };
          if (c.id === 'c20')
            return { ...c, vars: { question: 'question 20, reworded', created: '2026-01-01' } };
          return c;
        })
        .concat([{ id: 'c50', vars: { question: 'new' }, expected: 'x', tags: { type: 'simple' } }]);
      const v1 = datasetVersion(base);
      const v2 = datasetVersion(next);
      await store.saveDataset(
        { name: 'golden', version: v1, caseCount: 50, createdAt: '2026-01-01T00:00:00.000Z' },
        base,
      );
      await store.saveDataset(
        { name: 'golden', version: v2, caseCount: 50, createdAt: '2026-04-01T00:00:00.000Z' },
        next,
      );

      const versions = await datasetVersions(store, 'golden');
      expect(versions.map((v) => [v.version, v.caseCount, v.strata])).toEqual([
        [v1, 50, { type: { 'multi-step': 25, simple: 25 } }],
        [v2, 50, { type: { 'multi-step': 23, simple: 27 } }],
      ]);

      const a = await storedVersionCases(store, v1.slice(0, 10));
      const b = await storedVersionCases(store, v2);
      const diff = diffDatasets(a!.cases, b!.cases);
      expect(diff.added).toEqual(['c50']);
      expect(diff.removed).toEqual(['c10']);
      expect(diff.changed).toEqual([
        { caseId: 'c3', fields: [{ field: 'expected', before: 'answer 3', after: 'a better answer 3' }] },
        { caseId: 'c8', fields: [{ field: 'tags.type', before: 'multi-step', after: 'simple' }] },
        {
          caseId: 'c20',
          fields: [
            { field: 'vars.created', after: '2026-01-01' },
            { field: 'vars.question', before: 'question 20', after: 'question 20, reworded' },
          ],
        },
      ]);
      expect(diff.unchanged).toBe(46);
      expect(diff.strata).toEqual([
        { tag: 'type', value: 'multi-step', before: 25, after: 23 },
        { tag: 'type', value: 'simple', before: 25, after: 27 },
      ]);
    } finally {
      await store.close();
    }
  });

  it('ages a case without a created field by the first stored version that held it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-first-seen-'));
    const db = join(dir, 'assay.db');
    const store = await openSqliteStore(db);
    const later = [...base.slice(0, 40), { id: 'c99', vars: { question: 'asked this year' }, tags: {} }];
    try {
      await store.saveDataset(
        {
          name: 'golden',
          version: datasetVersion(base),
          caseCount: 50,
          createdAt: '2024-01-01T00:00:00.000Z',
        },
        base,
      );
      await store.saveDataset(
        {
          name: 'golden',
          version: datasetVersion(later),
          caseCount: 41,
          createdAt: '2026-11-01T00:00:00.000Z',
        },
        later,
      );
      const seen = await firstSeen(store, 'golden');
      expect(seen.get('c0')).toBe('2024-01-01T00:00:00.000Z');
      expect(seen.get('c99')).toBe('2026-11-01T00:00:00.000Z');
      const report = healthOf(later, { firstSeen: seen, now: Date.parse('2026-12-01T00:00:00Z') });
      expect(report.stale).toHaveLength(40);
      expect(report.stale[0]).toEqual({
        caseId: 'c0',
        created: '2024-01-01T00:00:00.000Z',
        since: 'first-version',
      });
      expect(report.stale.some((s) => s.caseId === 'c99')).toBe(false);
    } finally {
      await store.close();
    }
    // The command reads the store it is given: the same cases, written as a file, are stale.
    writeFileSync(
      join(dir, 'golden.jsonl'),
      later.map((c) => JSON.stringify({ id: c.id, ...c.vars, tags: c.tags })).join('\n'),
    );
    const r = await runCli(['dataset', 'health', 'golden.jsonl', '--db', db, '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).stale.map((s: { caseId: string }) => s.caseId)).toHaveLength(40);
  });
});
