import { cohenKappa } from '../stats/agreement.js';
import { bootstrap } from '../stats/bootstrap.js';
import { krippendorffAlpha } from '../stats/krippendorff.js';
import type { Dimension, LabelRow, Queue, Score } from './model.js';
import { levelOf } from './quality.js';

export interface DimensionAgreement {
  alpha: number | null;
  /** 95% bootstrap interval over items, or null when it cannot be computed. */
  interval: [number, number] | null;
  /** Items with two or more ratings (the pairable ones). */
  n: number;
  level: 'nominal' | 'ordinal' | 'interval';
}

export interface PairAgreement {
  raters: [string, string];
  /** Items both rated. */
  n: number;
  /** Cohen's κ per dimension (quadratic weights on scales), null when undefined (too few items, no variation). */
  kappa: Record<string, number | null>;
}

/**
 * The ratings matrix of one dimension, rows raters (in `raters` order) and columns items (in `itemIds`
 * order), null where a rater did not rate: what Krippendorff's α is computed on.
 */
export function ratingsMatrix(
  dimension: string,
  raters: string[],
  itemIds: string[],
  rows: LabelRow[],
): (Score | null)[][] {
  const col = new Map(itemIds.map((id, j) => [id, j]));
  const at = new Map(raters.map((r, i) => [r, i]));
  const data = raters.map(() => itemIds.map((): Score | null => null));
  for (const r of rows) {
    const i = at.get(r.userId);
    const j = col.get(r.itemId);
    const v = r.scores?.[dimension];
    if (i === undefined || j === undefined || v === undefined) continue;
    (data[i] as (Score | null)[])[j] = v;
  }
  return data;
}

function alphaOf(data: (Score | null)[][], level: DimensionAgreement['level']): number | null {
  try {
    const a = krippendorffAlpha(data, { level });
    return Number.isFinite(a) ? a : null;
  } catch {
    return null;
  }
}

function dimensionAgreement(
  d: Dimension,
  raters: string[],
  itemIds: string[],
  rows: LabelRow[],
): DimensionAgreement {
  const level = levelOf(d);
  const data = ratingsMatrix(d.name, raters, itemIds, rows);
  const pairable = itemIds.map((_, j) => j).filter((j) => data.filter((row) => row[j] !== null).length >= 2);
  const alpha = alphaOf(data, level);
  let interval: [number, number] | null = null;
  if (alpha !== null && pairable.length >= 5) {
    try {
      const stat = (cols: number[]) =>
        alphaOf(
          data.map((row) => cols.map((j) => row[j] as Score | null)),
          level,
        ) ?? 0;
      const b = bootstrap(pairable, stat, { iterations: 500, seed: 1 });
      interval = [b.lo, b.hi];
    } catch {
      interval = null;
    }
  }
  return { alpha, interval, n: pairable.length, level };
}

/** α per dimension and κ per rater pair, on the given labelled rows (traps and flagged raters left out by the caller). */
export function agreement(
  queue: Queue,
  itemIds: string[],
  rows: LabelRow[],
  nameOf: (userId: string) => string,
): { dimensions: Record<string, DimensionAgreement>; pairs: PairAgreement[] } {
  const raters = [...new Set(rows.map((r) => r.userId))].sort();
  const dimensions = Object.fromEntries(
    queue.dimensions.map((d) => [d.name, dimensionAgreement(d, raters, itemIds, rows)]),
  );
  const pairs: PairAgreement[] = [];
  for (let a = 0; a < raters.length; a++)
    for (let b = a + 1; b < raters.length; b++) {
      const ra = rows.filter((r) => r.userId === raters[a]);
      const rb = new Map(rows.filter((r) => r.userId === raters[b]).map((r) => [r.itemId, r]));
      const both = ra.filter((r) => rb.has(r.itemId));
      if (both.length === 0) continue;
      const kappa: Record<string, number | null> = {};
      for (const d of queue.dimensions) {
        const x: Score[] = [];
        const y: Score[] = [];
        for (const r of both) {
          const u = r.scores?.[d.name];
          const v = rb.get(r.itemId)?.scores?.[d.name];
          if (u !== undefined && v !== undefined) {
            x.push(u);
            y.push(v);
          }
        }
        kappa[d.name] = kappaOf(d, x, y);
      }
      pairs.push({
        raters: [nameOf(raters[a] as string), nameOf(raters[b] as string)],
        n: both.length,
        kappa,
      });
    }
  return { dimensions, pairs };
}

function kappaOf(d: Dimension, x: Score[], y: Score[]): number | null {
  if (x.length < 2) return null;
  try {
    const k =
      'scale' in d
        ? cohenKappa(x, y, {
            weights: 'quadratic',
            categories: Array.from({ length: d.scale[1] - d.scale[0] + 1 }, (_, i) => d.scale[0] + i),
          })
        : cohenKappa(x, y, { categories: d.labels });
    return Number.isFinite(k) ? k : null;
  } catch {
    return null;
  }
}
