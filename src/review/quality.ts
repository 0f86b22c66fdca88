import type { Dimension, ItemHead, LabelRow, Queue, Score } from './model.js';

/** Flag a rater below this trap accuracy … */
export const TRAP_THRESHOLD = 0.7;
/** … over at least this many traps (or all of the queue's traps when it has fewer). */
export const TRAP_MINIMUM = 10;

export interface RaterQuality {
  userId: string;
  rated: number;
  skipped: number;
  traps: number;
  /** Share of trap answers equal to the gold value, over every dimension with gold; null before any trap. */
  trapAccuracy: number | null;
  byDimension: Record<string, number | null>;
  flagged: boolean;
}

const sameScore = (a: Score | undefined, b: Score | undefined) => a !== undefined && a === b;

/** Trap accuracy per rater and dimension, and who is flagged. */
export function raterQuality(queue: Queue, items: ItemHead[], rows: LabelRow[]): RaterQuality[] {
  const byId = new Map(items.map((i) => [i.id, i]));
  const trapCount = items.filter((i) => i.gold).length;
  const needed = Math.min(TRAP_MINIMUM, trapCount);
  const users = new Map<string, LabelRow[]>();
  for (const r of rows) {
    const mine = users.get(r.userId);
    if (mine) mine.push(r);
    else users.set(r.userId, [r]);
  }
  return [...users.entries()].map(([userId, mine]) => {
    const labelled = mine.filter((r) => r.state === 'labelled' && r.scores);
    let right = 0;
    let total = 0;
    let traps = 0;
    const dim: Record<string, { right: number; total: number }> = {};
    for (const r of labelled) {
      const gold = byId.get(r.itemId)?.gold;
      if (!gold) continue;
      traps++;
      for (const [name, value] of Object.entries(gold)) {
        const d = dim[name] ?? { right: 0, total: 0 };
        dim[name] = d;
        const ok = sameScore(r.scores?.[name], value);
        d.total++;
        total++;
        if (ok) {
          d.right++;
          right++;
        }
      }
    }
    const trapAccuracy = total > 0 ? right / total : null;
    return {
      userId,
      rated: labelled.filter((r) => !byId.get(r.itemId)?.gold).length,
      skipped: mine.filter((r) => r.state === 'skipped').length,
      traps,
      trapAccuracy,
      byDimension: Object.fromEntries(
        queue.dimensions.map((d) => [
          d.name,
          dim[d.name] ? (dim[d.name]?.right ?? 0) / (dim[d.name]?.total ?? 1) : null,
        ]),
      ),
      flagged: needed > 0 && traps >= needed && trapAccuracy !== null && trapAccuracy < TRAP_THRESHOLD,
    };
  });
}

/** Krippendorff level of a dimension: nominal for labels, ordinal (or interval when declared) for scales. */
export function levelOf(d: Dimension): 'nominal' | 'ordinal' | 'interval' {
  return 'labels' in d ? 'nominal' : (d.level ?? 'ordinal');
}
