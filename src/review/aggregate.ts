import { dawidSkene } from '../stats/dawid-skene.js';
import { mean, percentile } from '../stats/descriptive.js';
import type { Aggregation, Dimension, LabelRow, Queue, Score, Scores } from './model.js';

export interface AggregatedItem {
  itemId: string;
  scores: Scores;
  /** Ratings that went in. */
  n: number;
}

/**
 * Aggregated labels per item: mean or median on scales (mean unless the queue says median), majority
 * on labels, or Dawid–Skene (EM with each rater's confusion matrix) on labels when the queue says so.
 * Ties in a majority go to the label listed first in the rubric.
 */
export function aggregate(queue: Queue, itemIds: string[], rows: LabelRow[]): AggregatedItem[] {
  const byItem = new Map<string, LabelRow[]>(itemIds.map((id) => [id, []]));
  for (const r of rows) byItem.get(r.itemId)?.push(r);
  const out = itemIds.map((itemId) => ({ itemId, scores: {} as Scores, n: byItem.get(itemId)?.length ?? 0 }));
  for (const d of queue.dimensions) {
    const ds =
      'labels' in d && queue.aggregation === 'dawid-skene'
        ? dawidSkeneDimension(d, itemIds, rows)
        : undefined;
    out.forEach((o, i) => {
      const values = (byItem.get(o.itemId) ?? [])
        .map((r) => r.scores?.[d.name])
        .filter((v) => v !== undefined) as Score[];
      if (values.length === 0) return;
      const v = ds ? ds[i] : combine(d, queue.aggregation, values);
      if (v !== undefined) o.scores[d.name] = v;
    });
  }
  return out;
}

function combine(d: Dimension, method: Aggregation, values: Score[]): Score {
  if ('scale' in d) {
    const xs = values as number[];
    return method === 'median' ? percentile(xs, 50) : mean(xs);
  }
  const counts = new Map<Score, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = d.labels[0] as string;
  for (const l of d.labels) if ((counts.get(l) ?? 0) > (counts.get(best) ?? 0)) best = l;
  return best;
}

function dawidSkeneDimension(
  d: Dimension & { labels: string[] },
  itemIds: string[],
  rows: LabelRow[],
): (string | undefined)[] {
  const raters = [...new Set(rows.map((r) => r.userId))];
  const ri = new Map(raters.map((r, i) => [r, i]));
  const ii = new Map(itemIds.map((id, i) => [id, i]));
  const labels = rows.flatMap((r) => {
    const v = r.scores?.[d.name];
    const item = ii.get(r.itemId);
    const category = typeof v === 'string' ? d.labels.indexOf(v) : -1;
    return item === undefined || category < 0 ? [] : [{ item, rater: ri.get(r.userId) as number, category }];
  });
  if (labels.length === 0) return itemIds.map(() => undefined);
  const result = dawidSkene(labels, {
    items: itemIds.length,
    raters: raters.length,
    categories: d.labels.length,
  });
  return result.truth.map((t) => (t < 0 ? undefined : d.labels[t]));
}
