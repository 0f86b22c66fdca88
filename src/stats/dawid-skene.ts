import { fail } from './validate.js';

/** One label: which item, which rater, which category (an index into the categories). */
export interface DawidSkeneLabel {
  item: number;
  rater: number;
  category: number;
}

export interface DawidSkeneOptions {
  /** Stop when no class probability moves by more than this (default 1e-6). */
  tolerance?: number;
  /** At most this many EM rounds (default 100). */
  maxIterations?: number;
  /** Added to every confusion count and class count, so no probability is exactly zero (default 0.01). */
  smoothing?: number;
}

export interface DawidSkeneResult {
  /** Per item, the probability of each category being its true one (uniform for unlabelled items). */
  posterior: number[][];
  /** Per item, the most probable category (-1 for unlabelled items). */
  truth: number[];
  /** Per rater, confusion[true][given]: the probability the rater says `given` when the truth is `true`. */
  confusion: number[][][];
  /** Per rater, the estimated accuracy: sum over classes of prior × confusion[c][c]. */
  accuracy: number[];
  /** Class prior. */
  prior: number[];
  iterations: number;
}

/**
 * Dawid & Skene (1979): EM over latent true classes, each rater with their own confusion matrix.
 * Starts from the majority vote (soft), then alternates M (priors and confusion matrices from the
 * class posteriors) and E (posteriors from the priors and each rater's matrix) until it settles.
 */
export function dawidSkene(
  labels: DawidSkeneLabel[],
  shape: { items: number; raters: number; categories: number },
  opts: DawidSkeneOptions = {},
): DawidSkeneResult {
  const fn = 'dawidSkene';
  const { items, raters, categories: K } = shape;
  if (!(K >= 2)) fail(fn, `categories must be at least 2 (got ${K})`);
  for (const [i, l] of labels.entries()) {
    if (!(l.item >= 0 && l.item < items && Number.isInteger(l.item)))
      fail(fn, `labels[${i}].item must be an integer in [0, ${items})`);
    if (!(l.rater >= 0 && l.rater < raters && Number.isInteger(l.rater)))
      fail(fn, `labels[${i}].rater must be an integer in [0, ${raters})`);
    if (!(l.category >= 0 && l.category < K && Number.isInteger(l.category)))
      fail(fn, `labels[${i}].category must be an integer in [0, ${K})`);
  }
  const tol = opts.tolerance ?? 1e-6;
  const maxIt = opts.maxIterations ?? 100;
  const eps = opts.smoothing ?? 0.01;

  const byItem: DawidSkeneLabel[][] = Array.from({ length: items }, () => []);
  for (const l of labels) byItem[l.item]?.push(l);

  // Initial posteriors: the share of each item's labels per category.
  let T: number[][] = byItem.map((ls) => {
    const row = new Array<number>(K).fill(ls.length === 0 ? 1 / K : 0);
    for (const l of ls) row[l.category] = (row[l.category] ?? 0) + 1 / ls.length;
    return row;
  });
  let prior = new Array<number>(K).fill(1 / K);
  let confusion: number[][][] = [];
  let iterations = 0;
  for (; iterations < maxIt; iterations++) {
    // M step.
    prior = new Array<number>(K).fill(eps);
    confusion = Array.from({ length: raters }, () =>
      Array.from({ length: K }, () => new Array<number>(K).fill(eps)),
    );
    for (let i = 0; i < items; i++) {
      const t = T[i] as number[];
      if ((byItem[i] as DawidSkeneLabel[]).length === 0) continue;
      for (let c = 0; c < K; c++) prior[c] = (prior[c] as number) + (t[c] as number);
      for (const l of byItem[i] as DawidSkeneLabel[]) {
        const m = confusion[l.rater] as number[][];
        for (let c = 0; c < K; c++) {
          const row = m[c] as number[];
          row[l.category] = (row[l.category] as number) + (t[c] as number);
        }
      }
    }
    const total = prior.reduce((a, b) => a + b, 0);
    prior = prior.map((p) => p / total);
    for (const m of confusion)
      for (const row of m) {
        const s = row.reduce((a, b) => a + b, 0);
        for (let j = 0; j < K; j++) row[j] = (row[j] as number) / s;
      }
    // E step, in logs.
    let moved = 0;
    const next = byItem.map((ls, i) => {
      if (ls.length === 0) return T[i] as number[];
      const logp = prior.map((p) => Math.log(p));
      for (const l of ls) {
        const m = confusion[l.rater] as number[][];
        for (let c = 0; c < K; c++)
          logp[c] = (logp[c] as number) + Math.log((m[c] as number[])[l.category] as number);
      }
      const top = Math.max(...logp);
      const e = logp.map((v) => Math.exp(v - top));
      const s = e.reduce((a, b) => a + b, 0);
      const row = e.map((v) => v / s);
      for (let c = 0; c < K; c++)
        moved = Math.max(moved, Math.abs((row[c] as number) - ((T[i] as number[])[c] as number)));
      return row;
    });
    T = next;
    if (moved < tol) {
      iterations++;
      break;
    }
  }
  const truth = T.map((row, i) => ((byItem[i] as DawidSkeneLabel[]).length === 0 ? -1 : argmax(row)));
  const accuracy = confusion.map((m) =>
    prior.reduce((a, p, c) => a + p * ((m[c] as number[])[c] as number), 0),
  );
  return { posterior: T, truth, confusion, accuracy, prior, iterations };
}

function argmax(xs: number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if ((xs[i] as number) > (xs[best] as number)) best = i;
  return best;
}
