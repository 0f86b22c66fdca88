import { checkInteger, fail } from './validate.js';

function check(fn: string, n: number, c: number, k: number): void {
  checkInteger(fn, 'n', n, 1);
  checkInteger(fn, 'c', c, 0);
  checkInteger(fn, 'k', k, 1);
  if (c > n) fail(fn, `c must not exceed n (got c = ${c}, n = ${n})`);
  if (k > n) fail(fn, `k must not exceed n (got k = ${k}, n = ${n})`);
}

/**
 * Unbiased estimator of pass@k (Chen et al. 2021, "Evaluating Large Language Models Trained on Code"):
 * from n samples of which c pass, the probability that at least one of k samples drawn without
 * replacement passes, 1 - C(n - c, k) / C(n, k), computed as the paper's stable product
 * 1 - prod_{i = n - c + 1}^{n} (1 - k / i). Average it over problems.
 *
 * @example
 * passAtK(10, 3, 1); // 0.3
 * passAtK(5, 2, 2); // 0.7  (1 - C(3,2)/C(5,2) = 1 - 3/10)
 */
export function passAtK(n: number, c: number, k: number): number {
  check('passAtK', n, c, k);
  if (n - c < k) return 1;
  let miss = 1;
  for (let i = n - c + 1; i <= n; i++) miss *= 1 - k / i;
  return 1 - miss;
}

/**
 * pass^k (Yao et al. 2024, tau-bench): the probability that k samples drawn without replacement from
 * the n, of which c pass, all pass, C(c, k) / C(n, k) = prod_{i=0}^{k-1} (c - i) / (n - i). A measure of
 * consistency: it falls as k grows unless every trial passes.
 *
 * @example
 * passHatK(10, 3, 1); // 0.3
 * passHatK(5, 2, 2); // 0.1  (C(2,2)/C(5,2) = 1/10)
 */
export function passHatK(n: number, c: number, k: number): number {
  check('passHatK', n, c, k);
  if (c < k) return 0;
  let all = 1;
  for (let i = 0; i < k; i++) all *= (c - i) / (n - i);
  return all;
}
