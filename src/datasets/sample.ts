import type { Case } from '../core/case.js';
import { AssayError } from '../core/errors.js';
import { createRng } from '../stats/random.js';

export interface SampleOptions {
  /** A count (`50`) or a fraction of the dataset (`0.1`). */
  size: number;
  /** Tags whose combinations are the strata; none → a simple random sample. */
  by?: string[];
  seed?: number;
}

/** `10%` → 0.1, `50` → 50. */
export function parseSampleSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text);
  if (!m)
    throw new AssayError(
      'input.invalid',
      `--sample expects a count (50) or a percentage (10%), got "${text}"`,
    );
  const value = Number(m[1]);
  if (m[2]) {
    // 100% would come back as 1, which `stratifiedSample` reads as a count of one case.
    if (value <= 0 || value >= 100)
      throw new AssayError(
        'input.invalid',
        `--sample percentage must be above 0% and below 100% (leave --sample out for every case), got ${text}`,
      );
    return value / 100;
  }
  if (!Number.isInteger(value) || value < 1)
    throw new AssayError('input.invalid', `--sample count must be a whole number ≥ 1, got ${text}`);
  return value;
}

/**
 * Seats for `want` draws shared in proportion to `sizes` (largest remainder: the floor of each
 * quota, then the leftover seats by largest fractional part, ties to the earlier stratum). The
 * seats sum to `want` when `want` ≤ the total size.
 *
 * @example largestRemainder([60, 30, 10], 7) // [4, 2, 1]
 */
export function largestRemainder(sizes: readonly number[], want: number): number[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total === 0) return sizes.map(() => 0);
  const quotas = sizes.map((n) => (n * want) / total);
  const seats = quotas.map(Math.floor);
  const order = sizes
    .map((_, i) => i)
    .sort((a, b) => quotas[b]! - seats[b]! - (quotas[a]! - seats[a]!) || a - b);
  for (let left = want - seats.reduce((a, b) => a + b, 0), j = 0; left > 0; left--, j++)
    seats[order[j % order.length]!]!++;
  return seats;
}

/**
 * A stratified random subset with the same proportions per stratum as the whole set (largest
 * remainder allocation), the same for the same seed on every machine. Cases keep dataset order.
 *
 * @example stratifiedSample(cases, { size: 0.1, by: ['type', 'difficulty'], seed: 7 })
 */
export function stratifiedSample(cases: Case[], options: SampleOptions): Case[] {
  const total = cases.length;
  const want =
    options.size < 1 ? Math.max(1, Math.round(options.size * total)) : Math.min(options.size, total);
  if (want >= total) return cases;
  const by = options.by ?? [];
  const strata = new Map<string, number[]>();
  cases.forEach((c, i) => {
    const key = by.map((t) => c.tags[t] ?? '∅').join('\u0000');
    const list = strata.get(key);
    if (list) list.push(i);
    else strata.set(key, [i]);
  });
  const keys = [...strata.keys()].sort();
  const seats = largestRemainder(
    keys.map((k) => strata.get(k)!.length),
    want,
  );
  const rng = createRng(options.seed ?? 1);
  const chosen: number[] = [];
  keys.forEach((k, s) => {
    const members = [...strata.get(k)!];
    // Partial Fisher–Yates: the first `seats[s]` places are a uniform sample without replacement.
    for (let i = 0; i < seats[s]!; i++) {
      const j = i + rng.nextInt(members.length - i);
      [members[i], members[j]] = [members[j]!, members[i]!];
      chosen.push(members[i]!);
    }
  });
  return chosen.sort((a, b) => a - b).map((i) => cases[i]!);
}

/** One stratum of a sample: how many of its cases were drawn. */
export interface StratumDraw {
  /** `type=billing, difficulty=hard`, or `all` without strata. */
  stratum: string;
  of: number;
  selected: number;
}

/**
 * The realised sample per stratum, largest first, so a stratum the sample left out entirely
 * (`selected: 0`: too small for its share) is said rather than silently dropped.
 */
export function sampleStrata(
  all: readonly Case[],
  sample: readonly Case[],
  by: readonly string[],
): StratumDraw[] {
  const key = (c: Case) => (by.length ? by.map((t) => `${t}=${c.tags[t] ?? '∅'}`).join(', ') : 'all');
  const strata = new Map<string, StratumDraw>();
  for (const c of all) {
    const k = key(c);
    const s = strata.get(k) ?? { stratum: k, of: 0, selected: 0 };
    s.of++;
    strata.set(k, s);
  }
  for (const c of sample) strata.get(key(c))!.selected++;
  return [...strata.values()].sort((a, b) => b.of - a.of || a.stratum.localeCompare(b.stratum));
}

/** What a sample drew: per stratum, and the strata it left out entirely. */
export interface SampleDraw {
  selected: number;
  of: number;
  strata: StratumDraw[];
  /** Strata of the filtered dataset with no case in the sample. */
  leftOut: string[];
}

/**
 * A stratified sample and what it drew (per stratum, and the strata left out): what `assay eval
 * --sample` and `assay review add --sample` both take.
 *
 * @example drawSample(cases, { size: 50, by: ['type'], seed: 1 }).draw.leftOut // ['type=rare']
 */
export function drawSample(cases: Case[], options: SampleOptions): { cases: Case[]; draw: SampleDraw } {
  const chosen = stratifiedSample(cases, options);
  const strata = sampleStrata(cases, chosen, options.by ?? []);
  return {
    cases: chosen,
    draw: {
      selected: chosen.length,
      of: cases.length,
      strata,
      leftOut: strata.filter((s) => s.selected === 0).map((s) => s.stratum),
    },
  };
}
