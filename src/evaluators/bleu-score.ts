import { tokenize13a, whitespaceTokens } from './tokenize.js';

/**
 * BLEU (Papineni et al. 2002) computed the way sacreBLEU computes it, so a score can be checked
 * against `sacrebleu.sentence_bleu`. Smoothing methods are those of Chen & Cherry (2014), named as
 * sacreBLEU names them: `exp` (their method 3, NIST's geometric smoothing: the k-th n-gram order
 * with no match gets precision 1 / (2^k · total)), `floor` (method 1: a zero count becomes
 * `smoothValue`, default 0.1), `add-k` (method 2, generalising Lin & Och 2004: `smoothValue`,
 * default 1, added to matches and totals for n > 1) and `none`.
 */
export type BleuSmoothing = 'exp' | 'floor' | 'add-k' | 'none';

export interface BleuOptions {
  smoothing?: BleuSmoothing;
  smoothValue?: number;
  maxOrder?: number;
  /** Leave out n-gram orders the hypothesis is too short to have (sacreBLEU's sentence default). */
  effectiveOrder?: boolean;
  tokenize?: '13a' | 'none';
  lowercase?: boolean;
}

/** Sufficient statistics: matches and totals per n-gram order, hypothesis and reference lengths. */
export interface BleuStats {
  correct: number[];
  total: number[];
  sysLen: number;
  refLen: number;
}

export interface BleuResult {
  /** In 0..1 (sacreBLEU reports 0..100). */
  score: number;
  precisions: number[];
  brevityPenalty: number;
  sysLen: number;
  refLen: number;
}

const DEFAULT_SMOOTH_VALUE: Record<BleuSmoothing, number> = { exp: 0, floor: 0.1, 'add-k': 1, none: 0 };

function ngramCounts(tokens: string[], maxOrder: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let n = 1; n <= maxOrder; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      // \u0001 cannot occur inside a token, so the key identifies the n-gram.
      const key = `${n}\u0001${tokens.slice(i, i + n).join('\u0001')}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/** Statistics of one hypothesis against its references: clipped by the maximum count in any reference. */
export function bleuStats(hypothesis: string[], references: string[][], maxOrder = 4): BleuStats {
  const refMax = new Map<string, number>();
  for (const ref of references) {
    for (const [k, c] of ngramCounts(ref, maxOrder)) refMax.set(k, Math.max(refMax.get(k) ?? 0, c));
  }
  const correct = new Array<number>(maxOrder).fill(0);
  const total = new Array<number>(maxOrder).fill(0);
  for (const [k, c] of ngramCounts(hypothesis, maxOrder)) {
    const n = Number(k.slice(0, k.indexOf('\u0001')));
    total[n - 1]! += c;
    correct[n - 1]! += Math.min(c, refMax.get(k) ?? 0);
  }
  // The closest reference length; on a tie the shorter one.
  let refLen = -1;
  for (const ref of references) {
    const d = Math.abs(ref.length - hypothesis.length);
    const best = Math.abs(refLen - hypothesis.length);
    if (refLen < 0 || d < best || (d === best && ref.length < refLen)) refLen = ref.length;
  }
  return { correct, total, sysLen: hypothesis.length, refLen: Math.max(refLen, 0) };
}

/** BLEU from (possibly summed) statistics. */
export function bleuFromStats(stats: BleuStats, options: BleuOptions = {}): BleuResult {
  const smoothing = options.smoothing ?? 'exp';
  const k = options.smoothValue ?? DEFAULT_SMOOTH_VALUE[smoothing];
  const maxOrder = stats.correct.length;
  const correct = [...stats.correct];
  const total = [...stats.total];
  const { sysLen, refLen } = stats;
  const brevityPenalty = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0) : 1;
  const precisions = new Array<number>(maxOrder).fill(0);
  const result = { precisions, brevityPenalty, sysLen, refLen };
  if (!correct.some((c) => c > 0)) return { score: 0, ...result };
  let mteval = 1;
  let order = maxOrder;
  for (let n = 1; n <= maxOrder; n++) {
    if (smoothing === 'add-k' && n > 1) {
      correct[n - 1]! += k;
      total[n - 1]! += k;
    }
    if (total[n - 1] === 0) break;
    if (options.effectiveOrder) order = n;
    if (correct[n - 1] === 0) {
      if (smoothing === 'exp') {
        mteval *= 2;
        precisions[n - 1] = 1 / (mteval * total[n - 1]!);
      } else if (smoothing === 'floor') {
        precisions[n - 1] = k / total[n - 1]!;
      }
    } else {
      precisions[n - 1] = correct[n - 1]! / total[n - 1]!;
    }
  }
  const logs = precisions.slice(0, order).map((p) => (p === 0 ? Number.NEGATIVE_INFINITY : Math.log(p)));
  const score = brevityPenalty * Math.exp(logs.reduce((a, b) => a + b, 0) / order);
  return { score, ...result };
}

function tokens(text: string, options: BleuOptions): string[] {
  const t = (options.lowercase ? text.toLowerCase() : text).trimEnd();
  return options.tokenize === 'none' ? whitespaceTokens(t) : tokenize13a(t);
}

/**
 * Sentence BLEU of one hypothesis against one or more references, with sacreBLEU's sentence
 * defaults: 13a tokens, case kept, `exp` smoothing, effective order.
 *
 * @example sentenceBleu('the cat sat on the mat', ['the cat sat on a mat']).score // ≈ 0.537
 */
export function sentenceBleu(
  hypothesis: string,
  references: string[],
  options: BleuOptions = {},
): BleuResult {
  const o = { effectiveOrder: true, ...options };
  const stats = bleuStats(
    tokens(hypothesis, o),
    references.map((r) => tokens(r, o)),
    o.maxOrder ?? 4,
  );
  return bleuFromStats(stats, o);
}

/** Corpus BLEU: statistics summed over segments, then one score (sacreBLEU's `corpus_bleu`). */
export function corpusBleu(
  hypotheses: string[],
  references: string[][],
  options: BleuOptions = {},
): BleuResult {
  const maxOrder = options.maxOrder ?? 4;
  const sum: BleuStats = {
    correct: new Array(maxOrder).fill(0),
    total: new Array(maxOrder).fill(0),
    sysLen: 0,
    refLen: 0,
  };
  hypotheses.forEach((h, i) => {
    const s = bleuStats(
      tokens(h, options),
      (references[i] ?? []).map((r) => tokens(r, options)),
      maxOrder,
    );
    for (let n = 0; n < maxOrder; n++) {
      sum.correct[n]! += s.correct[n]!;
      sum.total[n]! += s.total[n]!;
    }
    sum.sysLen += s.sysLen;
    sum.refLen += s.refLen;
  });
  return bleuFromStats(sum, options);
}
