import { bootstrap } from '../stats/bootstrap.js';
import { mean, percentile } from '../stats/descriptive.js';
import { type ClusterCount, clusteredProportion, wilson } from '../stats/intervals.js';
import { holm } from '../stats/multiple-comparisons.js';
import { mcnemar, wilcoxonSignedRank } from '../stats/paired-tests.js';
import type { CaseOutcome, RunSide } from './sides.js';

export type Verdict = 'improved' | 'regressed' | 'no significant change';

export interface Side {
  value: number;
  interval: [number, number];
}

export interface ComparisonRow {
  /** `pass` (every evaluator passed) or an evaluator's name. */
  metric: string;
  /** `all`, or `tag=value`. */
  stratum: string;
  /** Paired cases (present and judged in both runs). */
  n: number;
  baseline: Side | null;
  candidate: Side | null;
  /** candidate − baseline. */
  diff: number;
  test: 'mcnemar-exact' | 'mcnemar' | 'wilcoxon' | 'none';
  p: number | null;
  /** Holm-adjusted over every row of the comparison. */
  pAdjusted: number | null;
  verdict: Verdict;
}

export interface Comparison {
  baseline: { id: string; label: string };
  candidate: { id: string; label: string };
  alpha: number;
  rows: ComparisonRow[];
  onlyInBaseline: string[];
  onlyInCandidate: string[];
  /** Evaluators scored in one run only: not compared, but named. */
  metricsOnlyInBaseline: string[];
  metricsOnlyInCandidate: string[];
  operational: {
    baseline: { p50: number | null; p95: number | null; costPerCase: number | null };
    candidate: { p50: number | null; p95: number | null; costPerCase: number | null };
  };
  regressions: ComparisonRow[];
}

const BOOT = { iterations: 1000, seed: 7 };

/** Pairs by case id when each run has one target (a model or prompt change), else by target and case. */
function pairKey(side: RunSide, other: RunSide) {
  const byCase = side.targets.length === 1 && other.targets.length === 1;
  return (o: CaseOutcome) => (byCase ? o.caseId : `${o.target}/${o.caseId}`);
}

function index(side: RunSide, other: RunSide): Map<string, CaseOutcome> {
  const key = pairKey(side, other);
  return new Map([...side.cases.values()].map((o) => [key(o), o]));
}

const isBinary = (xs: number[]) => xs.every((x) => x === 0 || x === 1);

function rateSide(xs: number[]): Side {
  const passes = xs.reduce((a, b) => a + b, 0);
  return { value: passes / xs.length, interval: wilson(passes, xs.length) };
}

/** A pass rate over repeats: pooled over tries, its interval clustered by case (as `assay eval`'s). */
function clusteredSide(counts: ClusterCount[]): Side {
  const ci = clusteredProportion(counts);
  return { value: ci.estimate, interval: [ci.lo, ci.hi] };
}

function meanSide(xs: number[]): Side {
  const b = bootstrap(xs, mean, BOOT);
  return { value: mean(xs), interval: [b.lo, b.hi] };
}

/** The test that fits the data: McNemar on pass/fail pairs, Wilcoxon signed-rank on scores. */
function testPairs(
  base: number[],
  cand: number[],
  /** For `pass`: each case's passes out of its tries, for intervals that know about repeats. */
  counts?: { base: ClusterCount[]; cand: ClusterCount[] },
): Pick<ComparisonRow, 'test' | 'p' | 'baseline' | 'candidate' | 'diff'> {
  const binary = isBinary(base) && isBinary(cand);
  const sideOf = (xs: number[], c: ClusterCount[] | undefined) =>
    binary ? rateSide(xs) : c ? clusteredSide(c) : meanSide(xs);
  const baseline = sideOf(base, counts?.base);
  const candidate = sideOf(cand, counts?.cand);
  const diff = candidate.value - baseline.value;
  if (binary) {
    let b = 0;
    let c = 0;
    for (let i = 0; i < base.length; i++) {
      if (base[i] === 1 && cand[i] === 0) b++;
      else if (base[i] === 0 && cand[i] === 1) c++;
    }
    const exact = b + c <= 25;
    return {
      baseline,
      candidate,
      diff,
      test: exact ? 'mcnemar-exact' : 'mcnemar',
      p: mcnemar(b, c, { exact, correction: true }).p,
    };
  }
  if (base.every((x, i) => x === cand[i])) return { baseline, candidate, diff, test: 'wilcoxon', p: 1 };
  // Exact below 26 pairs. No bootstrap for tiny strata: with 1–5 pairs all moving the same way its
  // resamples never cross zero and p hits its floor (0.002), calling two cases a regression.
  // Wilcoxon's exact floor, 2 / 2^n, says honestly that so few pairs cannot show a change.
  return { baseline, candidate, diff, test: 'wilcoxon', p: wilcoxonSignedRank(cand, base).p };
}

function latencyStats(side: Iterable<CaseOutcome>) {
  const lat: number[] = [];
  let cost = 0;
  let costed = 0;
  for (const o of side) {
    lat.push(...o.latencyMs);
    if (o.costUsd !== null) {
      cost += o.costUsd;
      costed++;
    }
  }
  return {
    p50: lat.length ? percentile(lat, 50) : null,
    p95: lat.length ? percentile(lat, 95) : null,
    costPerCase: costed ? cost / costed : null,
  };
}

/**
 * Compares two runs case by case: for every metric and stratum, both values with 95% intervals,
 * the paired difference, the fitting test, Holm-adjusted p-values over the whole family, and a
 * verdict. Cases present in one run only are listed, not dropped silently.
 */
export function compareRuns(
  baseline: RunSide,
  candidate: RunSide,
  options: { alpha?: number } = {},
): Comparison {
  const alpha = options.alpha ?? 0.05;
  const base = index(baseline, candidate);
  const cand = index(candidate, baseline);
  const paired = [...base.keys()].filter((k) => cand.has(k)).sort();
  const names = (side: Map<string, CaseOutcome>) => {
    const out = new Set<string>();
    for (const o of side.values()) for (const name of Object.keys(o.scores)) out.add(name);
    return out;
  };
  const baseNames = names(base);
  const candNames = names(cand);
  // A metric of one run only (an evaluator added or removed) is listed, not silently left out.
  const metrics = new Set<string>(['pass', ...[...baseNames].filter((m) => candNames.has(m))]);
  const strata = new Map<string, string[]>([['all', paired]]);
  for (const k of paired) {
    for (const [tag, value] of Object.entries(cand.get(k)!.tags)) {
      const s = `${tag}=${value}`;
      const list = strata.get(s);
      if (list) list.push(k);
      else strata.set(s, [k]);
    }
  }
  const rows: ComparisonRow[] = [];
  for (const metric of metrics) {
    for (const [stratum, keys] of [...strata].sort(([a], [b]) =>
      a === 'all' ? -1 : b === 'all' ? 1 : a.localeCompare(b),
    )) {
      const x: number[] = [];
      const y: number[] = [];
      const counts = { base: [] as ClusterCount[], cand: [] as ClusterCount[] };
      for (const k of keys) {
        const bo = base.get(k)!;
        const co = cand.get(k)!;
        const b = metric === 'pass' ? bo.pass : bo.scores[metric];
        const c = metric === 'pass' ? co.pass : co.scores[metric];
        if (b === null || b === undefined || c === null || c === undefined) continue;
        x.push(b);
        y.push(c);
        counts.base.push({ successes: bo.passes, n: bo.trials });
        counts.cand.push({ successes: co.passes, n: co.trials });
      }
      if (x.length === 0) {
        rows.push({
          metric,
          stratum,
          n: 0,
          baseline: null,
          candidate: null,
          diff: 0,
          test: 'none',
          p: null,
          pAdjusted: null,
          verdict: 'no significant change',
        });
        continue;
      }
      rows.push({
        metric,
        stratum,
        n: x.length,
        ...testPairs(x, y, metric === 'pass' ? counts : undefined),
        pAdjusted: null,
        verdict: 'no significant change',
      });
    }
  }
  const tested = rows.filter((r) => r.p !== null);
  const adjusted = tested.length ? holm(tested.map((r) => r.p!)) : [];
  tested.forEach((r, i) => {
    r.pAdjusted = adjusted[i]!;
    if (r.pAdjusted < alpha && r.diff !== 0) r.verdict = r.diff > 0 ? 'improved' : 'regressed';
  });
  return {
    baseline: { id: baseline.id, label: baseline.label },
    candidate: { id: candidate.id, label: candidate.label },
    alpha,
    rows,
    onlyInBaseline: [...base.keys()].filter((k) => !cand.has(k)).sort(),
    onlyInCandidate: [...cand.keys()].filter((k) => !base.has(k)).sort(),
    metricsOnlyInBaseline: [...baseNames].filter((m) => !candNames.has(m)).sort(),
    metricsOnlyInCandidate: [...candNames].filter((m) => !baseNames.has(m)).sort(),
    operational: { baseline: latencyStats(base.values()), candidate: latencyStats(cand.values()) },
    regressions: rows.filter((r) => r.verdict === 'regressed'),
  };
}
