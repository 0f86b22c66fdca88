import { createHash } from 'node:crypto';
import type { Dimension, QueueSpec, Scores } from './model.js';

/**
 * Whether a rater sees an item's two outputs swapped: a coin flip per (item, rater) from a hash, so
 * half the raters see each order (position bias cancels out over raters) and a reload shows the same.
 */
export function swappedFor(itemId: string, userId: string): boolean {
  return ((createHash('sha256').update(`${itemId}\u0000${userId}`).digest()[0] ?? 0) & 1) === 1;
}

/** A dimension asking which output is better: its labels include "A" and "B" (and, say, "tie"). */
export const isChoice = (d: Dimension): boolean =>
  'labels' in d && d.labels.includes('A') && d.labels.includes('B');

/**
 * A rater's answers in the item's own order. The rater always sees the first output shown as A; when
 * their order is swapped that is the item's B, so A and B are exchanged on every choice dimension.
 */
export function unswapped(queue: QueueSpec, scores: Scores): Scores {
  const out: Scores = { ...scores };
  for (const d of queue.dimensions) {
    if (!isChoice(d)) continue;
    if (out[d.name] === 'A') out[d.name] = 'B';
    else if (out[d.name] === 'B') out[d.name] = 'A';
  }
  return out;
}
