import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Comparison } from '../src/compare/analyze.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from './helpers/build.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/suite.js';

// Issue 12 ("Decisions you can trust") and issue 10 item 8: each input built as results JSON files,
// compared by the real CLI, verdicts and exit codes asserted.
vi.setConfig({ testTimeout: 120_000 });

interface Try {
  pass?: boolean;
  error?: string;
  scores?: Record<string, number>;
}
interface CaseSpec {
  id: string;
  tags?: Record<string, string>;
  tries: Try[];
}

let dir: { dir: string; cleanup(): void };
beforeAll(async () => {
  dir = tempDir('assay-decisions-');
  await ensureBuilt();
}, BUILD_TIMEOUT_MS);
afterAll(() => dir.cleanup());

/** Writes a results JSON as `assay eval -o` does: one result per case and repeat. */
function resultsFile(name: string, cases: CaseSpec[]): string {
  const results = cases.flatMap((c) =>
    c.tries.map((t, repeat) => ({
      caseId: c.id,
      target: 'bot',
      repeat,
      tags: c.tags ?? {},
      output: t.error ? null : 'answer',
      pass: t.error ? false : (t.pass ?? true),
      latencyMs: 10,
      error: t.error ?? null,
      costUsd: null,
      cached: false,
      scores: t.error
        ? []
        : Object.entries(t.scores ?? {}).map(([evaluator, value]) => ({ evaluator, value, pass: null })),
    })),
  );
  const path = join(dir.dir, name);
  writeFileSync(path, JSON.stringify({ run: { id: name.replace('.json', '') }, results }));
  return path;
}

const ids = (n: number, prefix = 'c') =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(2, '0')}`);
const repeat = (k: number, passes: number): Try[] =>
  Array.from({ length: k }, (_, i) => ({ pass: i < passes }));

async function compare(base: string, cand: string, ...flags: string[]) {
  const json = join(dir.dir, `cmp-${Math.random().toString(36).slice(2)}.json`);
  const res = await runCli(['compare', base, cand, '--fail-on', 'regression', '--json', json, ...flags], {
    cwd: dir.dir,
  });
  let c: Comparison | undefined;
  try {
    c = JSON.parse(readFileSync(json, 'utf8'));
  } catch {}
  const row = (metric: string, stratum = 'all') =>
    c?.rows.find((r) => r.metric === metric && r.stratum === stratum);
  return { ...res, c: c!, row };
}

describe('1. errored cases count', () => {
  it('a candidate that times out on 15 of 40 cases that passed is a regression, listed, exit 1', async () => {
    const base = resultsFile(
      'err-base.json',
      ids(40).map((id) => ({ id, tries: [{ pass: true }] })),
    );
    const cand = resultsFile(
      'err-cand.json',
      ids(40).map((id, i) => ({ id, tries: [i < 15 ? { error: 'timeout after 30s' } : { pass: true }] })),
    );
    const r = await compare(base, cand);
    expect(r.code).toBe(1);
    // Every case is paired: the errors are failures of `pass`, not missing cases.
    expect(r.row('pass')).toMatchObject({ n: 40, test: 'mcnemar-exact', verdict: 'regressed' });
    expect(r.row('pass')!.candidate!.value).toBeCloseTo(25 / 40, 12);
    // 15 discordant pairs all one way: exact p = 2 / 2^15.
    expect(r.row('pass')!.p).toBeCloseTo(2 / 2 ** 15, 15);
    // Its own row with its own test: error rate 0% → 37.5%, higher is worse.
    expect(r.row('error rate')).toMatchObject({ n: 40, test: 'mcnemar-exact', verdict: 'regressed' });
    expect(r.row('error rate')!.diff).toBeCloseTo(15 / 40, 12);
    expect(r.c.errored.candidate).toEqual({ cases: ids(15), tries: 15 });
    expect(r.c.errored.baseline).toEqual({ cases: [], tries: 0 });
    expect(r.stdout).toContain(
      'Errored in candidate (15 cases, 15 tries; counted as failures of pass): c00, c01',
    );
    expect(r.stdout).toMatch(/error rate\s+all\s+40\s+0\.0% .*\+37\.5 pt.*regressed/);
    expect(r.stdout).not.toContain('No significant regression');
  });

  it('a candidate that errors everywhere never reads "no significant change", even on 3 cases', async () => {
    // The baseline failed these 3 cases too, so `pass` cannot move; 3 errors alone are not significant
    // (exact McNemar p = 0.25), but a candidate that answered nothing is broken.
    const base = resultsFile(
      'all-base.json',
      ids(3).map((id) => ({ id, tries: [{ pass: false }] })),
    );
    const cand = resultsFile(
      'all-cand.json',
      ids(3).map((id) => ({ id, tries: [{ error: 'HTTP 500' }] })),
    );
    const r = await compare(base, cand);
    expect(r.code).toBe(1);
    expect(r.c.candidateAllErrored).toBe(true);
    expect(r.row('error rate')).toMatchObject({ p: 0.25, verdict: 'regressed' });
    expect(r.row('error rate')!.note).toMatch(/every try of every case errored/);
    expect(r.stdout).toContain('The candidate errored on every case (3): it is counted as a regression.');
    expect(r.stdout).not.toContain('No significant regression');
  });

  it('with repeats, an errored try is a failed try', async () => {
    const base = resultsFile(
      'rep-err-base.json',
      ids(12).map((id) => ({ id, tries: repeat(3, 3) })),
    );
    const cand = resultsFile(
      'rep-err-cand.json',
      ids(12).map((id) => ({ id, tries: [{ pass: true }, { error: 'timeout' }, { error: 'timeout' }] })),
    );
    const r = await compare(base, cand);
    expect(r.code).toBe(1);
    expect(r.row('pass')).toMatchObject({ n: 12, test: 'sign-flip', verdict: 'regressed' });
    expect(r.row('pass')!.candidate!.value).toBeCloseTo(1 / 3, 12);
    // 12 equal drops: exact p = 2 / 2^12.
    expect(r.row('pass')!.p).toBeCloseTo(2 / 4096, 15);
    expect(r.c.errored.candidate.tries).toBe(24);
  });
});

describe('2. ties are ties', () => {
  it('12 cases 3/3 → 2/3 and 8 cases 0/3 → 1/3 is no significant change (p 0.50, not 0.005)', async () => {
    const spec = (first: number, rest: number) =>
      ids(20).map((id, i) => ({ id, tries: repeat(3, i < 12 ? first : rest) }));
    const r = await compare(
      resultsFile('tie-base.json', spec(3, 0)),
      resultsFile('tie-cand.json', spec(2, 1)),
    );
    expect(r.code).toBe(0);
    // Exact: the sign test, 2 P(Bin(20, 1/2) <= 8) = 0.5034446716308594 (scipy binomtest(8, 20)).
    expect(r.row('pass')!.p).toBeCloseTo(0.5034446716308594, 12);
    expect(r.row('pass')!.verdict).toBe('no significant change');
  });
});

describe('3. the verdict and its test are about the same quantity', () => {
  // 34 of 40 scores fall by 0.1, 6 rise by 0.9: the mean rises by 0.05; most cases fell.
  const base = () =>
    resultsFile(
      'mean-base.json',
      ids(40).map((id, i) => ({ id, tries: [{ scores: { quality: i < 34 ? 0.5 : 0.05 } }] })),
    );
  const cand = () =>
    resultsFile(
      'mean-cand.json',
      ids(40).map((id, i) => ({ id, tries: [{ scores: { quality: i < 34 ? 0.4 : 0.95 } }] })),
    );

  it('reads "no significant change" both ways round', async () => {
    const [b, c] = [base(), cand()];
    for (const [x, y, sign] of [
      [b, c, 1],
      [c, b, -1],
    ] as const) {
      const r = await compare(x, y);
      expect(r.code).toBe(0);
      const q = r.row('quality')!;
      expect(q.test).toBe('sign-flip');
      expect(q.diff).toBeCloseTo(0.05 * sign, 12);
      // Exact sign-flip p of the mean: 0.4212704871715687 (Python, all 2^40 signs on the 0.1 grid).
      expect(q.p).toBeCloseTo(0.4212704871715687, 12);
      expect(q.verdict).toBe('no significant change');
    }
  });
});

describe('4. strata are paired by case', () => {
  it('compares like with like and reports the relabelled cases', async () => {
    // Baseline: c00–c19 type a, c20–c39 type b, all pass. Candidate: fails c20–c39 and relabels
    // c20–c29 as type a. Taking the candidate's tags, type=a would show 10 of 30 cases failing.
    const base = resultsFile(
      'tag-base.json',
      ids(40).map((id, i) => ({ id, tags: { type: i < 20 ? 'a' : 'b' }, tries: [{ pass: true }] })),
    );
    const cand = resultsFile(
      'tag-cand.json',
      ids(40).map((id, i) => ({ id, tags: { type: i < 30 ? 'a' : 'b' }, tries: [{ pass: i < 20 }] })),
    );
    const r = await compare(base, cand);
    expect(r.code).toBe(1);
    expect(r.row('pass', 'type=a')).toMatchObject({ n: 20, diff: 0, verdict: 'no significant change' });
    expect(r.row('pass', 'type=b')).toMatchObject({ n: 10 });
    expect(r.row('pass', 'type=b')!.diff).toBe(-1);
    expect(r.c.tagChanges).toHaveLength(10);
    expect(r.c.tagChanges[0]).toEqual({ case: 'c20', tag: 'type', baseline: 'b', candidate: 'a' });
    expect(r.stdout).toContain(
      "Tags changed between runs (10; those cases are left out of that tag's strata): c20 type: b → a",
    );
  });
});

describe('issue 10 item 8: runs over different datasets', () => {
  it('refuses (exit 2) when they share too few cases, unless --allow-partial, and shows the overlap', async () => {
    const base = resultsFile(
      'ds-a.json',
      ids(20, 'a').map((id) => ({ id, tries: [{ pass: true }] })),
    );
    const cand = resultsFile(
      'ds-b.json',
      [...ids(19, 'b'), 'a00'].map((id) => ({ id, tries: [{ pass: true }] })),
    );
    const refused = await compare(base, cand);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toEqual([
      'assay: error: the runs share only 1 case(s) (5% of the smaller run; baseline 20 cases, candidate 20), below the 50% needed: they look like different datasets. Compare the shared cases anyway with --allow-partial',
    ]);
    expect(refused.stdout).toBe('');
    const allowed = await compare(base, cand, '--allow-partial');
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('Paired 1 cases: 5% of the smaller run (baseline 20, candidate 20).');
    expect(allowed.c.overlap).toEqual({ paired: 1, baseline: 20, candidate: 20, share: 0.05 });
  });

  it('a sample of the baseline’s cases pairs fully and is compared', async () => {
    const base = resultsFile(
      'full.json',
      ids(40).map((id) => ({ id, tries: [{ pass: true }] })),
    );
    const cand = resultsFile(
      'sample.json',
      ids(10).map((id) => ({ id, tries: [{ pass: true }] })),
    );
    const r = await compare(base, cand);
    expect(r.code).toBe(0);
    expect(r.c.overlap.share).toBe(1);
  });

  it('never prints -0.000', async () => {
    // 0.1 + 0.2 vs 0.3: a difference of −5.6e-17 that rounds to zero.
    const base = resultsFile(
      'z-base.json',
      ids(6).map((id) => ({ id, tries: [{ scores: { q: 0.1 + 0.2 } }] })),
    );
    const cand = resultsFile(
      'z-cand.json',
      ids(6).map((id) => ({ id, tries: [{ scores: { q: 0.3 } }] })),
    );
    const r = await compare(base, cand, '--markdown', join(dir.dir, 'z.md'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/q\s+all\s+6 .* 0\.000 /);
    expect(r.stdout).not.toMatch(/-0\.0+(?![0-9]*[1-9])/);
    expect(readFileSync(join(dir.dir, 'z.md'), 'utf8')).not.toMatch(/-0\.0+(?![0-9]*[1-9])/);
  });
});
