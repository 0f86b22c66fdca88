import { describe, expect, it } from 'vitest';
import { type DawidSkeneLabel, dawidSkene } from './dawid-skene.js';
import { createRng } from './random.js';

describe('dawidSkene', () => {
  it('recovers the truth more often than majority vote and each rater accuracy within 0.1', () => {
    const rng = createRng(7);
    const K = 3;
    const items = 400;
    // Two good raters, three poor ones who mostly answer at random: majority vote is led astray.
    const accuracies = [0.9, 0.85, 0.4, 0.35, 0.4];
    const truth = Array.from({ length: items }, () => rng.nextInt(K));
    const labels: DawidSkeneLabel[] = [];
    for (let i = 0; i < items; i++)
      for (let r = 0; r < accuracies.length; r++) {
        const right = rng.next() < (accuracies[r] as number);
        const wrong = ((truth[i] as number) + 1 + rng.nextInt(K - 1)) % K;
        labels.push({ item: i, rater: r, category: right ? (truth[i] as number) : wrong });
      }
    const ds = dawidSkene(labels, { items, raters: accuracies.length, categories: K });
    const majority = Array.from({ length: items }, (_, i) => {
      const counts = new Array<number>(K).fill(0);
      for (const l of labels) if (l.item === i) counts[l.category] = (counts[l.category] ?? 0) + 1;
      return counts.indexOf(Math.max(...counts));
    });
    const hits = (guess: number[]) => guess.filter((g, i) => g === truth[i]).length / items;
    expect(hits(ds.truth)).toBeGreaterThan(hits(majority));
    for (let r = 0; r < accuracies.length; r++)
      expect(Math.abs((ds.accuracy[r] as number) - (accuracies[r] as number))).toBeLessThan(0.1);
    expect(ds.confusion[0]?.[0]?.[0]).toBeGreaterThan(0.8);
  });

  it('refuses a label outside the categories, naming it', () => {
    expect(() =>
      dawidSkene([{ item: 0, rater: 0, category: 3 }], { items: 1, raters: 1, categories: 2 }),
    ).toThrow(/labels\[0\]\.category/);
  });
});
