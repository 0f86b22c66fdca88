import { describe, expect, it } from 'vitest';
import { createRng } from '../stats/random.js';
import { pickNext } from './assign.js';
import type { Item, LabelRow, Queue } from './model.js';

const queue: Queue = {
  id: 'q',
  projectId: 'p',
  createdAt: '2026-01-01T00:00:00.000Z',
  name: 'q',
  dimensions: [{ name: 'ok', labels: ['y', 'n'] }],
  raters: 1,
  trapRate: 0.05,
  aggregation: 'majority',
  leaseMinutes: 30,
};

const items: Item[] = Array.from({ length: 44 }, (_, i) => ({
  id: `i${i}`,
  queueId: 'q',
  seq: i,
  input: `input ${i}`,
  output: `output ${i}`,
  // Four traps among 40 regular items.
  ...(i % 11 === 10 ? { gold: { ok: 'y' } } : {}),
}));

/** The order one rater receives the queue's items in, labelling each at once. */
function sequence(seed: number): Item[] {
  const rng = createRng(seed);
  const rows: LabelRow[] = [];
  const out: Item[] = [];
  for (;;) {
    const next = pickNext({ queue, items, rows, userId: 'u', nowMs: 0, random: () => rng.next() });
    if (!next) return out;
    out.push(next);
    rows.push({
      itemId: next.id,
      userId: 'u',
      queueId: 'q',
      state: 'labelled',
      leaseUntilMs: 0,
      updatedMs: 0,
    });
  }
}

describe('pickNext: traps mixed into a rater’s sequence', () => {
  it('every item once, and the traps anywhere in the sequence, not bunched at its end', () => {
    let position = 0;
    let traps = 0;
    let inLastFour = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const seq = sequence(seed);
      expect(seq.map((i) => i.id).sort()).toEqual(items.map((i) => i.id).sort());
      seq.forEach((item, at) => {
        if (!item.gold) return;
        traps++;
        position += at / (seq.length - 1);
        if (at >= seq.length - 4) inLastFour++;
      });
    }
    // Uniform positions: a mean of 0.5 (0.49 here), and the last 4 of 44 places hold 4 × 4/44 ≈ 0.36
    // traps per sequence (0.35 here). Served at the 5% trap rate and the rest once the regular items
    // ran out, the mean was 0.71 and the last four places held 1.93 traps: what came after the
    // regular items was a trap, and a rater could tell.
    expect(position / traps).toBeGreaterThan(0.4);
    expect(position / traps).toBeLessThan(0.6);
    expect(inLastFour / 300).toBeLessThan(0.6);
  });
});
