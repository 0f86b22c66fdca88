import type { ItemHead, LabelRow, Queue } from './model.js';

export interface AssignInput<T extends ItemHead = ItemHead> {
  queue: Queue;
  /** The queue's items; their heads are enough (`ReviewStore.listItemHeads`). */
  items: T[];
  rows: LabelRow[];
  userId: string;
  nowMs: number;
  /** Uniform in [0, 1): decides whether a trap comes next (Math.random by default). */
  random?: () => number;
}

/** A row counts toward an item's k while it is labelled, or leased and the lease has not run out. */
const holds = (r: LabelRow, nowMs: number) =>
  r.state === 'labelled' || (r.state === 'leased' && r.leaseUntilMs > nowMs);

/**
 * The next item for a rater, or undefined when nothing is left for them:
 * - an item they hold a live lease on comes back first (a reload does not lose it);
 * - never an item they have a row on already (labelled, skipped, or an expired lease of theirs), nor one they created;
 * - regular items need fewer than k live holders; the least-covered come first, then the oldest;
 * - traps (items with gold) go to every rater, mixed in at random: the next item is a trap with
 *   probability max(trap rate, the traps' share of the items left to the rater), so neither content
 *   nor position in the sequence tells a trap apart.
 */
export function pickNext<T extends ItemHead>(input: AssignInput<T>): T | undefined {
  const { queue, items, rows, userId, nowMs } = input;
  const random = input.random ?? Math.random;
  const mine = new Map<string, LabelRow>();
  const holders = new Map<string, number>();
  for (const r of rows) {
    if (r.userId === userId) mine.set(r.itemId, r);
    if (holds(r, nowMs)) holders.set(r.itemId, (holders.get(r.itemId) ?? 0) + 1);
  }
  for (const r of mine.values())
    if (r.state === 'leased' && r.leaseUntilMs > nowMs) {
      const held = items.find((i) => i.id === r.itemId);
      if (held) return held;
    }
  const open = items.filter((i) => !mine.has(i.id) && i.createdBy !== userId);
  const traps = open.filter((i) => i.gold);
  const regular = open
    .filter((i) => !i.gold && (holders.get(i.id) ?? 0) < queue.raters)
    .sort((a, b) => (holders.get(a.id) ?? 0) - (holders.get(b.id) ?? 0) || a.seq - b.seq);
  // A trap comes next with at least the traps' share of what is left to the rater (a uniformly random
  // order of their remaining items), and at least the queue's trap rate: traps fall anywhere in the
  // sequence, never bunched at the end where their position would give them away.
  const share = traps.length / (traps.length + regular.length);
  if (traps.length > 0 && random() < Math.max(queue.trapRate, share)) return traps[0];
  return regular[0];
}

/**
 * How many items are still open to a rater (a live lease of theirs, regular items short of k, and
 * traps they have not answered): the rest of their progress bar. Traps are counted like any item,
 * so the bar does not tell them apart.
 */
export function leftFor(input: Omit<AssignInput, 'random'>): number {
  const { queue, items, rows, userId, nowMs } = input;
  const mine = new Map<string, LabelRow>();
  const holders = new Map<string, number>();
  for (const r of rows) {
    if (r.userId === userId) mine.set(r.itemId, r);
    if (holds(r, nowMs)) holders.set(r.itemId, (holders.get(r.itemId) ?? 0) + 1);
  }
  let left = 0;
  for (const i of items) {
    if (i.createdBy === userId) continue;
    const row = mine.get(i.id);
    if (row) {
      if (row.state === 'leased' && row.leaseUntilMs > nowMs) left++;
      continue;
    }
    if (i.gold || (holders.get(i.id) ?? 0) < queue.raters) left++;
  }
  return left;
}

/**
 * Why a rater may not label (or skip) an item now, or undefined when they may. A label needs the
 * assignment, so posting directly never gives an item more than k raters:
 * - a rater who holds the item (a live lease from `next`, or their own label, which they may replace) may;
 * - a rater whose lease ran out may if the item still has room under k (traps: always, as traps go to
 *   every rater); a skip takes no room, so it is always allowed on an item they were given;
 * - a rater who skipped it may skip again but not label it (a skip is final);
 * - anyone else (never given the item, trap or not) may not.
 * `rows` are the item's rows; the caller holds the queue's lock between this check and the write.
 */
export function labelRefusal(input: {
  queue: Queue;
  item: ItemHead;
  rows: LabelRow[];
  userId: string;
  nowMs: number;
  skipping: boolean;
}): string | undefined {
  const { queue, item, rows, userId, nowMs, skipping } = input;
  const again = `call POST /api/v1/review/queues/${queue.name}/next`;
  const mine = rows.find((r) => r.userId === userId);
  if (!mine) return `item ${item.id} is not assigned to you: ${again}`;
  if (mine.state === 'labelled' || holds(mine, nowMs)) return undefined;
  if (mine.state === 'skipped')
    return skipping ? undefined : `you skipped item ${item.id} (a skip is final): ${again}`;
  if (skipping || item.gold) return undefined;
  const others = rows.filter((r) => r.userId !== userId && holds(r, nowMs)).length;
  return others < queue.raters
    ? undefined
    : `item ${item.id} has its ${queue.raters} rater(s) already and your lease ran out: ${again}`;
}
