import type { OutputDriftName } from '../config/monitor.js';
import { chiSquareTest } from '../stats/chi-square.js';
import { percentile } from '../stats/descriptive.js';
import { psi, psiFromCounts } from '../stats/drift.js';
import { ksTest } from '../stats/kolmogorov-smirnov.js';
import { type DriftTest, pct, round } from './drift-test.js';
import type { OutputFeatures } from './output-features.js';

/** Fewer answers than this in a window, and output drift is not tested (nothing to say). */
export const MIN_OUTPUTS = 10;

function countsOf(values: string[], categories: string[]): number[] {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return categories.map((c) => m.get(c) ?? 0);
}

function categorical(kind: string, ref: string[], cur: string[], seed: number, draws?: number): DriftTest {
  const categories = [...new Set([...ref, ...cur])].sort();
  const r = countsOf(ref, categories);
  const c = countsOf(cur, categories);
  let test = chiSquareTest([r, c], { seed });
  // A Monte-Carlo p is at least 1 / (draws + 1): with many tests in a window, draw enough tables.
  if (test.simulated && draws && draws > test.simulated)
    test = chiSquareTest([r, c], { seed, simulate: draws });
  const shares = (counts: number[], n: number) =>
    Object.fromEntries(categories.map((k, i) => [k, round(counts[i]! / n, 4)]));
  return {
    kind,
    test: 'chi-square',
    statistic: test.statistic,
    p: test.p,
    effect: psiFromCounts(r, c),
    effectName: 'psi',
    message: '',
    details: { df: test.df, reference: shares(r, ref.length), current: shares(c, cur.length) },
  };
}

function binary(
  kind: string,
  label: string,
  ref: boolean[],
  cur: boolean[],
  seed: number,
  draws?: number,
): DriftTest {
  const t = categorical(kind, ref.map(String), cur.map(String), seed, draws);
  const rate = (v: boolean[]) => v.filter(Boolean).length / v.length;
  const [a, b] = [rate(ref), rate(cur)];
  return {
    ...t,
    message: `${label} ${pct(a)} → ${pct(b)} (chi-square p=${round(t.p, 4)}, PSI ${round(t.effect!)})`,
  };
}

/**
 * Output drift of one window: answer length (two-sample KS, PSI over the reference's deciles), JSON
 * validity and refusal rate (chi-square on the 2×2 table), language (chi-square over the languages
 * seen). Each test gets a PSI as its effect size. `draws`: Monte-Carlo tables for a chi-square with
 * small expected counts, when more than its default 999 are needed (many tests in one Holm family).
 */
export function outputDrift(
  ref: OutputFeatures[],
  cur: OutputFeatures[],
  names: readonly OutputDriftName[],
  seed = 0,
  draws?: number,
): DriftTest[] {
  if (ref.length < MIN_OUTPUTS || cur.length < MIN_OUTPUTS) return [];
  const out: DriftTest[] = [];
  for (const name of names) {
    const kind = `drift.outputs.${name}`;
    if (name === 'length') {
      const a = ref.map((f) => f.length);
      const b = cur.map((f) => f.length);
      const ks = ksTest(a, b);
      const [ma, mb] = [percentile(a, 50), percentile(b, 50)];
      const effect = psi(a, b);
      out.push({
        kind,
        test: 'ks',
        statistic: ks.statistic,
        p: ks.p,
        effect,
        effectName: 'psi',
        message: `answer length: median ${round(ma, 0)} → ${round(mb, 0)} characters (KS D=${round(ks.statistic)}, p=${round(ks.p, 4)}, PSI ${round(effect)})`,
        details: {
          reference: { median: ma, p90: percentile(a, 90) },
          current: { median: mb, p90: percentile(b, 90) },
        },
      });
    } else if (name === 'json-valid') {
      out.push(
        binary(
          kind,
          'valid JSON answers',
          ref.map((f) => f.jsonValid),
          cur.map((f) => f.jsonValid),
          seed,
          draws,
        ),
      );
    } else if (name === 'refusal') {
      out.push(
        binary(
          kind,
          'refusal rate',
          ref.map((f) => f.refusal),
          cur.map((f) => f.refusal),
          seed,
          draws,
        ),
      );
    } else {
      const t = categorical(
        kind,
        ref.map((f) => f.language),
        cur.map((f) => f.language),
        seed,
        draws,
      );
      const top = (shares: unknown) =>
        Object.entries(shares as Record<string, number>)
          .sort((x, y) => y[1] - x[1])
          .slice(0, 3)
          .map(([k, v]) => `${k} ${pct(v)}`)
          .join(', ');
      t.message = `answer languages: ${top(t.details!.reference)} → ${top(t.details!.current)} (chi-square p=${round(t.p, 4)}, PSI ${round(t.effect!)})`;
      out.push(t);
    }
  }
  return out;
}
