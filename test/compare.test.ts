import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareRuns } from '../src/compare/analyze.js';
import { sideFromResults } from '../src/compare/sides.js';
import type { ResultRecord, RunRecord } from '../src/core/run.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { ensureBuilt } from './helpers/build.js';

const root = new URL('..', import.meta.url).pathname;
const STRATA = ['billing', 'shipping', 'returns'];

/**
 * 60 cases per stratum. The baseline passes 54/60 everywhere; the candidate is the same except on
 * `returns`, where it passes 24/60 — a real regression on one stratum only. The failing cases are
 * spread deterministically (case i fails when i % 10 >= pass-tenths).
 */
function results(runId: string, worseOn?: string): ResultRecord[] {
  const out: ResultRecord[] = [];
  for (const type of STRATA) {
    for (let i = 0; i < 60; i++) {
      const tenths = type === worseOn ? 4 : 9;
      const pass = i % 10 < tenths;
      out.push({
        runId,
        caseId: `${type}-${i}`,
        target: 'bot',
        repeat: 0,
        tags: { type },
        output: { text: pass ? 'ok' : 'bad', latencyMs: 100 + i },
        pass,
        scores: [{ evaluator: 'quality', value: pass ? 0.9 : 0.2, pass }],
        latencyMs: 100 + i,
        costUsd: 0.001,
      });
    }
  }
  return out;
}

function run(id: string): RunRecord {
  return {
    id,
    createdAt: new Date().toISOString(),
    status: 'completed',
    configHash: 'h',
    provenance: {
      assayVersion: 't',
      nodeVersion: 'v',
      dataset: { name: 'd', version: 'v1', cases: 180 },
      targets: [],
      evaluators: [],
      configHash: 'h',
    },
  };
}

let db: string;
beforeAll(async () => {
  db = join(mkdtempSync(join(tmpdir(), 'assay-compare-')), 'a.db');
  const store = await openSqliteStore(db);
  for (const [id, worse] of [
    ['base', undefined],
    ['cand', 'returns'],
  ] as const) {
    await store.createRun(run(id));
    await store.saveResults(results(id, worse));
  }
  await store.close();
  await ensureBuilt();
}, 120_000);

describe('compareRuns', () => {
  it('flags the one stratum that regressed, and not the others', async () => {
    const c = compareRuns(
      await sideFromResults('base', 'base', results('base')),
      await sideFromResults('cand', 'cand', results('cand', 'returns')),
    );
    const verdict = (metric: string, stratum: string) =>
      c.rows.find((r) => r.metric === metric && r.stratum === stratum)!.verdict;
    expect(verdict('pass', 'type=returns')).toBe('regressed');
    expect(verdict('pass', 'type=billing')).toBe('no significant change');
    expect(verdict('pass', 'type=shipping')).toBe('no significant change');
    const row = c.rows.find((r) => r.metric === 'pass' && r.stratum === 'type=returns')!;
    // 30 discordant pairs (pass → fail), none the other way: McNemar's chi-square with correction.
    expect(row.test).toBe('mcnemar');
    expect(row.baseline!.value).toBeCloseTo(0.9);
    expect(row.candidate!.value).toBeCloseTo(0.4);
    expect(row.pAdjusted!).toBeLessThan(0.001);
    expect(c.onlyInBaseline).toEqual([]);
  });

  it('reports cases present in one run only', async () => {
    const base = results('base');
    const cand = results('cand').filter((r) => r.caseId !== 'billing-3');
    cand.push({ ...cand[0]!, caseId: 'new-case' });
    const c = compareRuns(await sideFromResults('b', 'b', base), await sideFromResults('c', 'c', cand));
    expect(c.onlyInBaseline).toEqual(['billing-3']);
    expect(c.onlyInCandidate).toEqual(['new-case']);
  });

  it('finds no change between identical runs', async () => {
    const c = compareRuns(
      await sideFromResults('b', 'b', results('b')),
      await sideFromResults('c', 'c', results('c')),
    );
    expect(c.regressions).toEqual([]);
    expect(c.rows.every((r) => r.verdict === 'no significant change')).toBe(true);
  });
});

describe('assay compare', () => {
  it('prints the table and exits 1 with --fail-on regression', () => {
    const md = join(db, '..', 'cmp.md');
    const r = spawnSync(
      process.execPath,
      [
        join(root, 'bin/assay.js'),
        'compare',
        'base',
        'cand',
        '--db',
        db,
        '--fail-on',
        'regression',
        '--markdown',
        md,
      ],
      { encoding: 'utf8' },
    );
    expect(r.stdout).toMatch(/type=returns.*regressed/);
    expect(r.stdout).not.toMatch(/type=billing.*regressed/);
    expect(r.status).toBe(1);
    const plain = spawnSync(
      process.execPath,
      [join(root, 'bin/assay.js'), 'compare', 'base', 'cand', '--db', db],
      { encoding: 'utf8' },
    );
    expect(plain.status).toBe(0);
  });

  it('plans the number of cases for a change', () => {
    const r = spawnSync(
      process.execPath,
      [join(root, 'bin/assay.js'), 'plan', '--baseline-rate', '0.85', '--mde', '0.03'],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/: \d+ cases\./);
  });
});
