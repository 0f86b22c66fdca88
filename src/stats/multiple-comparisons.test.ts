import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { holm } from './multiple-comparisons.js';

describe('holm', () => {
  it("adjusts Wikipedia's Holm-Bonferroni example (p = 0.01, 0.04, 0.03, 0.005) (hand-derived)", () => {
    // sorted 0.005, 0.01, 0.03, 0.04 -> 4*0.005 = 0.02, 3*0.01 = 0.03, 2*0.03 = 0.06, max(0.06, 1*0.04) = 0.06.
    // At alpha = 0.05 the hypotheses with p = 0.01 and 0.005 are rejected, as in the article.
    const adjusted = holm([0.01, 0.04, 0.03, 0.005]);
    const expected = [0.03, 0.06, 0.06, 0.02];
    for (let i = 0; i < 4; i++) expect(adjusted[i]).toBeCloseTo(expected[i]!, 15);
  });

  it('adjusts 0.01 .. 0.05 to 0.05, 0.08, 0.09, 0.09, 0.09 (hand-derived; what R p.adjust(p, "holm") defines)', () => {
    const adjusted = holm([0.01, 0.02, 0.03, 0.04, 0.05]);
    const expected = [0.05, 0.08, 0.09, 0.09, 0.09];
    for (let i = 0; i < 5; i++) expect(adjusted[i]).toBeCloseTo(expected[i]!, 15);
  });

  it('caps at 1 and keeps an empty list empty', () => {
    expect(holm([0.5, 0.9])).toEqual([1, 1]);
    expect(holm([])).toEqual([]);
  });

  it('never lowers a p-value and keeps the order of the raw p-values (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 }), (ps) => {
        const adj = holm(ps);
        ps.forEach((p, i) => {
          expect(adj[i]).toBeGreaterThanOrEqual(p);
          expect(adj[i]).toBeLessThanOrEqual(1);
          ps.forEach((q, j) => {
            if (p < q) expect(adj[i]).toBeLessThanOrEqual(adj[j]!);
          });
        });
      }),
    );
  });

  it('rejects values outside [0, 1]', () => {
    expect(() => holm([0.1, 1.2])).toThrow('holm: pValues[1] must be in [0, 1] (got 1.2)');
    expect(() => holm([Number.NaN])).toThrow(/pValues\[0\]/);
  });
});
