import { z } from 'zod';
import { templateScope } from '../core/case.js';
import { AssayError } from '../core/errors.js';
import type { Context } from '../core/output.js';
import { type Score, scoreError } from '../core/score.js';
import { compileDeep } from '../templates/render.js';
import { type EvaluatorFactory, parseOptions } from './factory.js';
import { fmt, notApplicable } from './reference-input.js';

type Metric = 'retrieval-recall' | 'retrieval-precision' | 'mrr' | 'ndcg';

/** Expected source keys: ids as strings, or `{ id }`/`{ text }` objects. */
function sourceKeys(sources: unknown): string[] | undefined {
  if (!Array.isArray(sources)) return undefined;
  return sources.map((s) => {
    if (typeof s === 'string' || typeof s === 'number') return String(s);
    const o = (s ?? {}) as Record<string, unknown>;
    return String(o.id ?? o.text ?? JSON.stringify(s));
  });
}

/**
 * Binary relevance of the ranked contexts: a context is relevant when its id (or, lacking one, its
 * text) is an expected source. A source retrieved again further down earns nothing the second time,
 * so chunks of one document cannot inflate a score.
 */
export function relevance(contexts: Context[], relevant: ReadonlySet<string>): boolean[] {
  const seen = new Set<string>();
  return contexts.map((c) => {
    const key = c.id ?? c.text.trim();
    const hit = relevant.has(key) && !seen.has(key);
    seen.add(key);
    return hit;
  });
}

/** A metric on the top `k` of a ranking (`rel`, in rank order) with `total` relevant items in all. */
export function rankMetric(metric: Metric, rel: boolean[], total: number, k: number): number {
  const top = rel.slice(0, k);
  const hits = top.filter(Boolean).length;
  switch (metric) {
    case 'retrieval-recall':
      return hits / total;
    case 'retrieval-precision':
      // Divided by k even when fewer were retrieved, as trec_eval's P@k does.
      return hits / k;
    case 'mrr': {
      const first = top.indexOf(true);
      return first < 0 ? 0 : 1 / (first + 1);
    }
    case 'ndcg': {
      let dcg = 0;
      top.forEach((r, i) => {
        if (r) dcg += 1 / Math.log2(i + 2);
      });
      let ideal = 0;
      for (let i = 0; i < Math.min(total, k); i++) ideal += 1 / Math.log2(i + 2);
      return dcg / ideal;
    }
  }
}

const DEFAULT_THRESHOLD: Record<Metric, (k: number) => number> = {
  'retrieval-recall': () => 1,
  'retrieval-precision': (k) => 1 / k,
  mrr: () => 0.5,
  ndcg: () => 0.5,
};

function retrievalFactory(metric: Metric): EvaluatorFactory {
  return (config) => {
    const o = parseOptions(
      z.strictObject({
        type: z.string(),
        name: z.string().optional(),
        k: z.number().int().positive().optional(),
        sources: z.union([z.string(), z.array(z.unknown())]).optional(),
        threshold: z.number().min(0).max(1).optional(),
      }),
      config,
    );
    // `retrieval-recall@5` carries k in its type; `retrieval-recall@k` and `mrr` take the option.
    const fromType = /@(\d+)$/.exec(o.type)?.[1];
    if (fromType !== undefined && o.k !== undefined && Number(fromType) !== o.k) {
      throw new AssayError('evaluator.invalid', `k is ${o.k} but the type says @${fromType}`, { field: 'k' });
    }
    const k = o.k ?? (fromType ? Number(fromType) : metric === 'mrr' ? Number.POSITIVE_INFINITY : 5);
    if (k === 0) throw new AssayError('evaluator.invalid', 'k must be at least 1', { field: 'type' });
    const label = metric === 'mrr' && !Number.isFinite(k) ? 'mrr' : `${metric}@${k}`;
    const name = o.name ?? label;
    const threshold = o.threshold ?? DEFAULT_THRESHOLD[metric](k);
    const render = o.sources === undefined ? undefined : compileDeep(o.sources, `${name}.sources`);
    return {
      name,
      evaluate(input): Score {
        const raw = render
          ? render({ ...templateScope(input.case), output: input.output.text })
          : input.case.sources;
        const keys = sourceKeys(raw);
        if (raw !== undefined && !keys) return scoreError(name, 'sources must be a list of ids');
        if (!keys || keys.length === 0) return notApplicable(name, 'the case names no expected sources');
        const contexts = input.output.contexts;
        // Absent contexts mean the target does not report retrieval; an empty list is a retrieval that found nothing.
        if (contexts === undefined) return notApplicable(name, 'the target returned no contexts');
        const relevant = new Set(keys);
        const rel = relevance(contexts, relevant);
        const value = rankMetric(metric, rel, relevant.size, k);
        const retrieved = contexts.slice(0, k).map((c) => c.id ?? `"${c.text.slice(0, 30)}"`);
        const shown = retrieved.length > 10 ? [...retrieved.slice(0, 10), '…'] : retrieved;
        const found = new Set(contexts.slice(0, k).map((c) => c.id ?? c.text.trim()));
        const missing = [...relevant].filter((key) => !found.has(key));
        return {
          evaluator: name,
          value,
          pass: value >= threshold,
          reason: `${label} ${fmt(value)}: top ${Math.min(k, contexts.length)} [${shown.join(', ')}]${missing.length ? `, missing ${missing.join(', ')}` : ''}`,
          details: { k: Number.isFinite(k) ? k : null, relevant: keys, retrieved, missing },
        };
      },
    };
  };
}

/** `retrieval-recall@k`: the share of the case's expected sources among the top k contexts. Passes at 1 by default. */
export const retrievalRecall = retrievalFactory('retrieval-recall');
/** `retrieval-precision@k`: relevant contexts in the top k, divided by k. Passes with one hit by default. */
export const retrievalPrecision = retrievalFactory('retrieval-precision');
/** `mrr`: 1 / rank of the first relevant context (within k when given). Passes at 0.5 by default. */
export const mrr = retrievalFactory('mrr');
/** `ndcg@k`: normalised discounted cumulative gain, binary relevance, log2 discount. Passes at 0.5 by default. */
export const ndcg = retrievalFactory('ndcg');
