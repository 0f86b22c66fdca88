/**
 * Benchmarks of the heavy functions in assay/stats: `npx tsx bench/stats.ts`.
 * Prints the median wall time of 5 runs of each (after one warm-up run). Targets: under 1 s each.
 */
import {
  bootstrap,
  createRng,
  kendallTau,
  krippendorffAlpha,
  ksTest,
  mean,
  pairedBootstrapDiff,
  percentile,
} from '../src/stats/index.js';

const RUNS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function bench(name: string, run: () => unknown): void {
  run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  console.log(`${name.padEnd(58)} ${median(times).toFixed(1).padStart(8)} ms`);
}

const rng = createRng(1);

// 10 raters x 100,000 units, labels 1..5, 10% missing.
const raters = 10;
const units = 100_000;
const labels: (number | null)[][] = [];
for (let r = 0; r < raters; r++) {
  const row: (number | null)[] = [];
  for (let u = 0; u < units; u++) row.push(rng.next() < 0.1 ? null : 1 + ((u + rng.nextInt(2)) % 5));
  labels.push(row);
}
// The same with continuous scores (many distinct values), for the interval level.
const scores: (number | null)[][] = labels.map((row) => row.map((v) => (v === null ? null : v + rng.next())));

const values = Array.from({ length: 10_000 }, () => rng.next());
const other = values.map((v) => v + 0.01 * rng.next());

bench('krippendorffAlpha nominal, 10 raters x 100,000 units', () => krippendorffAlpha(labels));
bench('krippendorffAlpha ordinal, 10 raters x 100,000 units', () =>
  krippendorffAlpha(labels, { level: 'ordinal' }),
);
bench('krippendorffAlpha interval (continuous), 10 x 100,000', () =>
  krippendorffAlpha(scores, { level: 'interval' }),
);
bench('bootstrap mean, 10,000 iterations x 10,000 values', () => bootstrap(values, mean));
bench('pairedBootstrapDiff, 10,000 iterations x 10,000 pairs', () => pairedBootstrapDiff(values, other));
bench('bootstrap custom sum/n (generic path), 10,000 x 10,000', () =>
  bootstrap(values, (xs) => {
    let s = 0;
    for (const x of xs) s += x;
    return s / xs.length;
  }),
);
bench('bootstrap p90 (generic path), 1,000 iterations x 10,000', () =>
  bootstrap(values, (xs) => percentile(xs, 90), { iterations: 1000 }),
);
bench('kendallTau, 100,000 pairs', () =>
  kendallTau(
    Array.from({ length: 100_000 }, (_, i) => Math.sin(i)),
    Array.from({ length: 100_000 }, (_, i) => Math.cos(i * 0.7)),
  ),
);
const strings = labels.map((row) => row.map((v) => (v === null ? null : `label-${v}`)));
bench('krippendorffAlpha nominal strings, 10 x 100,000', () => krippendorffAlpha(strings));
bench('krippendorffAlpha ordinal (continuous), 10 x 100,000', () =>
  krippendorffAlpha(scores, { level: 'ordinal' }),
);
bench('krippendorffAlpha ratio (labels 1..5), 10 x 100,000', () =>
  krippendorffAlpha(labels, { level: 'ratio' }),
);
bench('ksTest exact, 10,000 vs 9,999', () => ksTest(values, other.slice(1)));
