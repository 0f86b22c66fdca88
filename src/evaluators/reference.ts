import { z } from 'zod';
import type { Score } from '../core/score.js';
import { sentenceBleu } from './bleu-score.js';
import { type EvaluatorFactory, parseOptions } from './factory.js';
import { normalizeAnswer, squadTokens } from './normalize-squad.js';
import { fmt, quote, referenceGetter } from './reference-input.js';
import {
  levenshtein as distance,
  levenshteinSimilarity,
  rougeL as rougeLScore,
  tokenF1,
} from './text-metrics.js';
import { rougeTokens } from './tokenize.js';

const base = { type: z.string(), name: z.string().optional() };
const value = z.union([z.string(), z.number(), z.array(z.union([z.string(), z.number()])).min(1)]).optional();
const unit = z.number().min(0).max(1);

interface Graded {
  value: number;
  /** Decided by the metric itself; else `value >= threshold`. */
  pass?: boolean;
  reason: string;
  details?: Record<string, unknown>;
}

/**
 * An evaluator that scores the output against each reference and keeps the best, as SQuAD's
 * `metric_max_over_ground_truths` does. `threshold` decides pass.
 */
function bestOfReferences(
  name: string,
  template: unknown,
  threshold: number,
  score: (output: string, reference: string) => Graded,
): ReturnType<EvaluatorFactory> {
  const references = referenceGetter(template, name);
  return {
    name,
    evaluate(input): Score {
      const r = references(input);
      if (!r.ok) return r.score;
      let best: (Graded & { ref: string; passes: boolean }) | undefined;
      for (const ref of r.refs) {
        const g = score(input.output.text, ref);
        const passes = g.pass ?? g.value >= threshold;
        // The best reference: a passing one first, then the highest value.
        if (!best || (passes && !best.passes) || (passes === best.passes && g.value > best.value)) {
          best = { ...g, ref, passes };
        }
      }
      const b = best!;
      const against = r.refs.length > 1 ? ` (best of ${r.refs.length} references)` : '';
      return {
        evaluator: name,
        value: b.value,
        pass: b.passes,
        reason: `${b.reason} against ${quote(b.ref)}${against}`,
        details: { ...b.details, reference: b.ref },
      };
    },
  };
}

/**
 * `f1`: token-overlap F1 between the output and the reference after SQuAD v1.1 normalisation
 * (lower-case, no punctuation, no articles, single spaces). Use for short factual answers that may
 * be phrased a little differently; not for long or free-form answers (use `similar` or a judge).
 */
export const f1: EvaluatorFactory = (config) => {
  const o = parseOptions(z.strictObject({ ...base, value, threshold: unit.default(0.5) }), config);
  const name = o.name ?? 'f1';
  return bestOfReferences(name, o.value, o.threshold, (out, ref) => {
    const s = tokenF1(squadTokens(out), squadTokens(ref));
    return {
      value: s.f1,
      reason: `F1 ${fmt(s.f1)} (precision ${fmt(s.precision)}, recall ${fmt(s.recall)})`,
      details: { precision: s.precision, recall: s.recall },
    };
  });
};

/**
 * `exact-match`: the output equals a reference after SQuAD v1.1 normalisation. Stricter than `f1`,
 * looser than `equals` ("The Broncos." matches "broncos").
 */
export const exactMatch: EvaluatorFactory = (config) => {
  const o = parseOptions(z.strictObject({ ...base, value }), config);
  const name = o.name ?? 'exact-match';
  return bestOfReferences(name, o.value, 1, (out, ref) => {
    const [a, b] = [normalizeAnswer(out), normalizeAnswer(ref)];
    return {
      value: a === b ? 1 : 0,
      reason: a === b ? 'matches' : `no match (output normalises to ${quote(a)})`,
    };
  });
};

/**
 * `rouge-n`: n-gram overlap F-measure (ROUGE-N, Lin 2004; `n` default 1), n-grams counted with
 * multiplicity, on `rouge-score`'s tokens. Use, like `rouge-l`, for summaries close to a reference;
 * promptfoo's `rouge-n` imports as this (its threshold default 0.75).
 */
export const rougeN: EvaluatorFactory = (config) => {
  const o = parseOptions(
    z.strictObject({
      ...base,
      value,
      n: z.number().int().min(1).max(4).default(1),
      threshold: unit.default(0.5),
      charset: z.enum(['unicode', 'ascii']).default('unicode'),
    }),
    config,
  );
  const name = o.name ?? 'rouge-n';
  const grams = (text: string) => {
    const t = rougeTokens(text, o.charset);
    return Array.from({ length: Math.max(0, t.length - o.n + 1) }, (_, i) => t.slice(i, i + o.n).join(' '));
  };
  return bestOfReferences(name, o.value, o.threshold, (out, ref) => {
    const [p, r] = [grams(out), grams(ref)];
    // Too short for one n-gram on either side: nothing overlaps.
    const s = p.length && r.length ? tokenF1(p, r) : { precision: 0, recall: 0, f1: 0 };
    return {
      value: s.f1,
      reason: `ROUGE-${o.n} f ${fmt(s.f1)} (precision ${fmt(s.precision)}, recall ${fmt(s.recall)})`,
      details: { precision: s.precision, recall: s.recall, f: s.f1 },
    };
  });
};

/**
 * `rouge-l`: the longest-common-subsequence F-measure (Lin 2004) as `rouge-score` computes `rougeL`.
 * Use for summaries whose wording should follow a reference; it rewards word order, not meaning.
 */
export const rougeL: EvaluatorFactory = (config) => {
  const o = parseOptions(
    z.strictObject({
      ...base,
      value,
      threshold: unit.default(0.5),
      measure: z.enum(['f', 'precision', 'recall']).default('f'),
      charset: z.enum(['unicode', 'ascii']).default('unicode'),
    }),
    config,
  );
  const name = o.name ?? 'rouge-l';
  return bestOfReferences(name, o.value, o.threshold, (out, ref) => {
    const s = rougeLScore(rougeTokens(out, o.charset), rougeTokens(ref, o.charset));
    const v = o.measure === 'f' ? s.f1 : s[o.measure];
    return {
      value: v,
      reason: `ROUGE-L ${o.measure} ${fmt(v)} (precision ${fmt(s.precision)}, recall ${fmt(s.recall)})`,
      details: { precision: s.precision, recall: s.recall, f: s.f1 },
    };
  });
};

/**
 * `bleu`: sentence BLEU up to 4-grams with the brevity penalty, exactly as `sacrebleu.sentence_bleu`
 * by default (13a tokens, `exp` smoothing = Chen & Cherry 2014 method 3). Several references are
 * used together, as BLEU defines. Use for translation-like tasks with a close reference; it is
 * noisy on single short sentences.
 */
export const bleu: EvaluatorFactory = (config) => {
  const o = parseOptions(
    z.strictObject({
      ...base,
      value,
      threshold: unit.default(0.3),
      smoothing: z.enum(['exp', 'floor', 'add-k', 'none']).default('exp'),
      smoothValue: z.number().nonnegative().optional(),
      tokenize: z.enum(['13a', 'none']).default('13a'),
      lowercase: z.boolean().default(false),
      maxOrder: z.number().int().min(1).max(8).default(4),
    }),
    config,
  );
  const name = o.name ?? 'bleu';
  const references = referenceGetter(o.value, name);
  return {
    name,
    evaluate(input): Score {
      const r = references(input);
      if (!r.ok) return r.score;
      const b = sentenceBleu(input.output.text, r.refs, {
        smoothing: o.smoothing,
        tokenize: o.tokenize,
        lowercase: o.lowercase,
        maxOrder: o.maxOrder,
        ...(o.smoothValue === undefined ? {} : { smoothValue: o.smoothValue }),
      });
      const precisions = b.precisions.map((p) => (100 * p).toFixed(1)).join('/');
      return {
        evaluator: name,
        value: b.score,
        pass: b.score >= o.threshold,
        reason: `BLEU ${(100 * b.score).toFixed(2)} (${precisions}, BP ${b.brevityPenalty.toFixed(3)})`,
        details: { ...b, references: r.refs.length },
      };
    },
  };
};

/**
 * `levenshtein`: edit distance in characters and the similarity 1 − distance / longer length. Use
 * for short strings where typos matter (codes, names, SQL); not for sentences (use `f1` or `similar`).
 */
export const levenshtein: EvaluatorFactory = (config) => {
  const o = parseOptions(
    z.strictObject({
      ...base,
      value,
      threshold: unit.optional(),
      maxDistance: z.number().int().nonnegative().optional(),
      ignoreCase: z.boolean().default(false),
      trim: z.boolean().default(true),
    }),
    config,
  );
  const name = o.name ?? 'levenshtein';
  const norm = (s: string) => {
    const t = o.trim ? s.trim() : s;
    return o.ignoreCase ? t.toLowerCase() : t;
  };
  // With only maxDistance set, the distance alone decides; the threshold defaults to 0.8 otherwise.
  const threshold = o.threshold ?? (o.maxDistance === undefined ? 0.8 : 0);
  return bestOfReferences(name, o.value, 0, (out, ref) => {
    const [a, b] = [norm(out), norm(ref)];
    const d = distance(a, b);
    const similarity = levenshteinSimilarity(d, a, b);
    const pass = similarity >= threshold && (o.maxDistance === undefined || d <= o.maxDistance);
    return {
      value: similarity,
      pass,
      reason: `distance ${d}, similarity ${fmt(similarity)}`,
      details: { distance: d, similarity },
    };
  });
};
