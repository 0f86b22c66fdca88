import { describe, expect, it } from 'vitest';
import type { ResultRecord } from '../core/run.js';
import { createRng } from '../stats/random.js';
import { compareRuns } from './analyze.js';
import { sideFromResults } from './sides.js';

/**
 * Under a true null (both runs draw every try from the same per-case pass probability, and errors
 * at the same rate), `compare` must call "improved" or "regressed" in at most α of comparisons, up to
 * Monte-Carlo error. Cases differ (p from 0.05 to 0.95, as real cases do), strata are tested too,
 * and Holm must hold the whole table's family-wise rate at α.
 */
const CASES = 40;
const REPS = 600;
const ALPHA = 0.05;
// Three standard errors of a rate of α over REPS comparisons.
const BOUND = ALPHA + 3 * Math.sqrt((ALPHA * (1 - ALPHA)) / REPS);

function run(id: string, repeats: number, rng: ReturnType<typeof createRng>): ResultRecord[] {
  const out: ResultRecord[] = [];
  for (let i = 0; i < CASES; i++) {
    const p = 0.05 + (0.9 * i) / (CASES - 1);
    for (let repeat = 0; repeat < repeats; repeat++) {
      const error = rng.next() < 0.03;
      const pass = !error && rng.next() < p;
      out.push({
        runId: id,
        caseId: `c${i}`,
        target: 'bot',
        repeat,
        tags: { half: i % 2 ? 'odd' : 'even' },
        output: error ? null : { text: 'x', latencyMs: 1 },
        pass,
        ...(error ? { error: 'timeout' } : {}),
        scores: [],
        latencyMs: 1,
      });
    }
  }
  return out;
}

async function rejectionRates(repeats: number, seed: number) {
  const rng = createRng(seed);
  let passAll = 0;
  let rawPass = 0;
  let anyRow = 0;
  for (let r = 0; r < REPS; r++) {
    const c = compareRuns(
      await sideFromResults('b', 'b', run('b', repeats, rng)),
      await sideFromResults('c', 'c', run('c', repeats, rng)),
      { alpha: ALPHA },
    );
    const decided = c.rows.filter((x) => x.verdict !== 'no significant change');
    if (decided.some((x) => x.metric === 'pass' && x.stratum === 'all')) passAll++;
    if (decided.length) anyRow++;
    // The test alone, before Holm: its level must hold too.
    if (c.rows.find((x) => x.metric === 'pass' && x.stratum === 'all')!.p! < ALPHA) rawPass++;
  }
  return { passAll: passAll / REPS, rawPass: rawPass / REPS, anyRow: anyRow / REPS };
}

describe('compare under a true null (issue 12)', () => {
  it(`rejects at most α + 3 SE (${BOUND.toFixed(3)}) without repeats: McNemar`, async () => {
    const { passAll, rawPass, anyRow } = await rejectionRates(1, 11);
    expect(rawPass).toBeLessThanOrEqual(BOUND);
    expect(passAll).toBeLessThanOrEqual(BOUND);
    expect(anyRow).toBeLessThanOrEqual(BOUND);
  });

  it(`rejects at most α + 3 SE (${BOUND.toFixed(3)}) with 3 repeats: the sign-flip test`, async () => {
    const { passAll, rawPass, anyRow } = await rejectionRates(3, 12);
    expect(rawPass).toBeLessThanOrEqual(BOUND);
    expect(passAll).toBeLessThanOrEqual(BOUND);
    expect(anyRow).toBeLessThanOrEqual(BOUND);
  });
});
