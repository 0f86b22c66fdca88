import { percentile } from '../stats/descriptive.js';
import type { ClusterCount } from '../stats/intervals.js';
import { holm } from '../stats/multiple-comparisons.js';
import { type PairedTest, type Side, testPairs } from './paired-row.js';
import type { CaseOutcome, RunSide } from './sides.js';
import { pairStrata, type TagChange } from './strata.js';

export type Verdict = 'improved' | 'regressed' | 'no significant change';

/** The row of errored tries: its own metric, where higher is worse. */
export const ERROR_METRIC = 'error rate';

export interface ComparisonRow {
  /** `pass` (every evaluator passed; an errored try counts as a failure), `error rate`, or an evaluator's name. */
  metric: string;
  /** `all`, or `tag=value` (cases with that value in both runs). */
  stratum: string;
  /** Paired cases (present in both runs, and for an evaluator scored in both). */
  n: number;
  baseline: Side | null;
  candidate: Side | null;
  /** Mean paired difference, candidate − baseline: what the test is about. */
  diff: number;
  test: PairedTest;
  p: number | null;
  /** Holm-adjusted over every row of the comparison. */
  pAdjusted: number | null;
  verdict: Verdict;
  /** Why a verdict was reached other than by the test, when it was. */
  note?: string;
}

/** The paired cases of one run that had errored tries, and how many tries errored. */
export interface ErroredSide {
  cases: string[];
  tries: number;
}

export interface Comparison {
  baseline: { id: string; label: string };
  candidate: { id: string; label: string };
  alpha: number;
  rows: ComparisonRow[];
  /** How much the two runs share: paired cases out of each run's cases. */
  overlap: { paired: number; baseline: number; candidate: number; share: number };
  onlyInBaseline: string[];
  onlyInCandidate: string[];
  /** Paired cases with errored tries, per run. */
  errored: { baseline: ErroredSide; candidate: ErroredSide };
  /** Every try of every paired case errored in the candidate: it is broken, whatever the tests say. */
  candidateAllErrored: boolean;
  /** Paired cases whose tags differ between the runs: left out of those tags' strata. */
  tagChanges: TagChange[];
  /** Evaluators scored in one run only: not compared, but named. */
  metricsOnlyInBaseline: string[];
  metricsOnlyInCandidate: string[];
  operational: {
    baseline: { p50: number | null; p95: number | null; costPerCase: number | null };
    candidate: { p50: number | null; p95: number | null; costPerCase: number | null };
  };
  regressions: ComparisonRow[];
}

/** Pairs by case id when each run has one target (a model or prompt change), else by target and case. */
function pairKey(side: RunSide, other: RunSide) {
  const byCase = side.targets.length === 1 && other.targets.length === 1;
  return (o: CaseOutcome) => (byCase ? o.caseId : `${o.target}/${o.caseId}`);
}

function index(side: RunSide, other: RunSide): Map<string, CaseOutcome> {
  const key = pairKey(side, other);
  return new Map([...side.cases.values()].map((o) => [key(o), o]));
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

/** Per case: the metric's value, and for rates over tries the count behind it. */
function caseValue(o: CaseOutcome, metric: string): { value: number; count?: ClusterCount } | null {
  if (metric === 'pass') return { value: o.pass, count: { successes: o.passes, n: o.trials } };
  if (metric === ERROR_METRIC)
    return { value: o.errors / o.trials, count: { successes: o.errors, n: o.trials } };
  const v = o.scores[metric];
  return v === undefined ? null : { value: v };
}

function erroredSide(keys: string[], side: Map<string, CaseOutcome>): ErroredSide {
  const cases = keys.filter((k) => side.get(k)!.errors > 0);
  return { cases, tries: cases.reduce((s, k) => s + side.get(k)!.errors, 0) };
}

function row(
  metric: string,
  stratum: string,
  keys: string[],
  base: Map<string, CaseOutcome>,
  cand: Map<string, CaseOutcome>,
): ComparisonRow {
  const x: number[] = [];
  const y: number[] = [];
  const counts = { base: [] as ClusterCount[], cand: [] as ClusterCount[] };
  for (const k of keys) {
    const b = caseValue(base.get(k)!, metric);
    const c = caseValue(cand.get(k)!, metric);
    if (b === null || c === null) continue;
    x.push(b.value);
    y.push(c.value);
    if (b.count && c.count) {
      counts.base.push(b.count);
      counts.cand.push(c.count);
    }
  }
  const untested = { pAdjusted: null, verdict: 'no significant change' as const };
  if (x.length === 0)
    return {
      metric,
      stratum,
      n: 0,
      baseline: null,
      candidate: null,
      diff: 0,
      test: 'none',
      p: null,
      ...untested,
    };
  const rates = counts.base.length === x.length;
  return { metric, stratum, n: x.length, ...testPairs(x, y, rates ? counts : undefined), ...untested };
}

/**
 * Compares two runs case by case: for every metric and stratum, both values with 95% intervals,
 * the mean paired difference, the fitting test of that difference, Holm-adjusted p-values over the
 * whole family, and a verdict. Errored tries count as failures of `pass` and have their own
 * `error rate` row; cases in one run only, errored cases and relabelled cases are listed, never
 * dropped silently.
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
  const errored = { baseline: erroredSide(paired, base), candidate: erroredSide(paired, cand) };
  const { strata, tagChanges } = pairStrata(paired, base, cand);
  // A metric of one run only (an evaluator added or removed) is listed, not silently left out.
  const metrics = ['pass', ...[...baseNames].filter((m) => candNames.has(m)).sort()];
  const rows: ComparisonRow[] = [];
  for (const metric of metrics)
    for (const [stratum, keys] of strata) rows.push(row(metric, stratum, keys, base, cand));
  // Error rows only where something errored: a row of zeros would only raise Holm's bar for the rest.
  const anyErrors = (keys: string[]) => keys.some((k) => base.get(k)!.errors + cand.get(k)!.errors > 0);
  for (const [stratum, keys] of strata)
    if (anyErrors(keys)) rows.push(row(ERROR_METRIC, stratum, keys, base, cand));

  const tested = rows.filter((r) => r.p !== null);
  const adjusted = tested.length ? holm(tested.map((r) => r.p!)) : [];
  tested.forEach((r, i) => {
    r.pAdjusted = adjusted[i]!;
    // Errors are the one metric where higher is worse.
    const better = r.metric === ERROR_METRIC ? r.diff < 0 : r.diff > 0;
    if (r.pAdjusted < alpha && r.diff !== 0) r.verdict = better ? 'improved' : 'regressed';
  });
  const candidateAllErrored =
    paired.length > 0 && paired.every((k) => cand.get(k)!.errors === cand.get(k)!.trials);
  if (candidateAllErrored) {
    // However few the cases, a candidate that answered nothing is not "no significant change".
    const r = rows.find((x) => x.metric === ERROR_METRIC && x.stratum === 'all')!;
    r.verdict = 'regressed';
    r.note = `every try of every case errored in the candidate (${errored.candidate.tries} tries)`;
  }
  const min = Math.min(base.size, cand.size);
  return {
    baseline: { id: baseline.id, label: baseline.label },
    candidate: { id: candidate.id, label: candidate.label },
    alpha,
    rows,
    overlap: {
      paired: paired.length,
      baseline: base.size,
      candidate: cand.size,
      share: min ? paired.length / min : 0,
    },
    onlyInBaseline: [...base.keys()].filter((k) => !cand.has(k)).sort(),
    onlyInCandidate: [...cand.keys()].filter((k) => !base.has(k)).sort(),
    errored,
    candidateAllErrored,
    tagChanges,
    metricsOnlyInBaseline: [...baseNames].filter((m) => !candNames.has(m)).sort(),
    metricsOnlyInCandidate: [...candNames].filter((m) => !baseNames.has(m)).sort(),
    operational: { baseline: latencyStats(base.values()), candidate: latencyStats(cand.values()) },
    regressions: rows.filter((r) => r.verdict === 'regressed'),
  };
}
