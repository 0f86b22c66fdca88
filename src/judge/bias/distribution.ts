import type { JudgeEntry } from './entries.js';

export interface DistributionCheck {
  /** Count per level (rubric: each integer of the scale; factuality: fifths of 0..1; pairwise: win/tie/loss). */
  counts: Record<string, number>;
  n: number;
  /** Share of scores in the top two levels (rubric only). */
  topTwoShare?: number;
  /** ≥ 80% of scores in the top two levels: the rubric does not tell answers apart. */
  notDiscriminative: boolean;
  /** Both ends used and the middle nearly empty: the criteria may be ambiguous. */
  bimodal: boolean;
}

/** The brief: "if all scores are 4-5, your rubric isn't discriminative". */
export const TOP_TWO_SHARE = 0.8;
const MIDDLE_EMPTY = 0.1;
const END_USED = 0.15;

/** The distribution of a judge evaluator's scores, with the brief's two warning signs. */
export function distributionCheck(entries: JudgeEntry[]): DistributionCheck | undefined {
  const scored = entries.filter((e) => e.value !== null);
  if (scored.length === 0) return undefined;
  const kind = scored[0]!.kind;
  if (kind === 'pairwise') {
    const counts = { win: 0, tie: 0, loss: 0 };
    for (const e of scored) counts[e.value === 1 ? 'win' : e.value === 0 ? 'loss' : 'tie']++;
    return { counts, n: scored.length, notDiscriminative: false, bimodal: false };
  }
  const scale = scored.find((e) => e.scale)?.scale;
  if (kind !== 'rubric' || !scale) {
    const labels = ['0-0.2', '0.2-0.4', '0.4-0.6', '0.6-0.8', '0.8-1'];
    const counts = Object.fromEntries(labels.map((l) => [l, 0]));
    for (const e of scored) counts[labels[Math.min(4, Math.floor(e.value! * 5))]!]!++;
    return { counts, n: scored.length, notDiscriminative: false, bimodal: false };
  }
  const [min, max] = scale;
  const counts: Record<string, number> = {};
  for (let l = min; l <= max; l++) counts[l] = 0;
  for (const e of scored) {
    const level = Math.min(max, Math.max(min, Math.round(e.raw ?? min + e.value! * (max - min))));
    counts[level]!++;
  }
  const n = scored.length;
  const share = (from: number, to: number) => {
    let c = 0;
    for (let l = from; l <= to; l++) c += counts[l] ?? 0;
    return c / n;
  };
  const levels = max - min + 1;
  const topTwoShare = share(max - 1, max);
  // Ends: the two lowest and two highest levels on scales of five or more, the extremes on smaller ones.
  const end = levels >= 5 ? 2 : 1;
  const low = share(min, min + end - 1);
  const high = share(max - end + 1, max);
  const middle = levels >= 3 ? share(min + end, max - end) : 1;
  return {
    counts,
    n,
    topTwoShare,
    notDiscriminative: levels > 2 && topTwoShare >= TOP_TWO_SHARE,
    bimodal: levels >= 3 && n >= 5 && middle < MIDDLE_EMPTY && low >= END_USED && high >= END_USED,
  };
}
