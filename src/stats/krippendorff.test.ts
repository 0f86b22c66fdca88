import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AssayError } from '../core/errors.js';
import { krippendorffAlpha } from './krippendorff.js';

// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers x 12 units,
// values 1..5, with missing data (unit 12 has a single value and is not pairable).
const reliability = [
  [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
  [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
];

describe('krippendorffAlpha', () => {
  it('matches Krippendorff (2011) section C, any number of observers with missing data', () => {
    // Published: nominal 0.743, ordinal 0.815, interval 0.849, ratio 0.797.
    expect(krippendorffAlpha(reliability)).toBeCloseTo(0.743, 3);
    expect(krippendorffAlpha(reliability, { level: 'nominal' })).toBeCloseTo(0.7434210526, 9);
    expect(krippendorffAlpha(reliability, { level: 'ordinal' })).toBeCloseTo(0.815, 3);
    expect(krippendorffAlpha(reliability, { level: 'interval' })).toBeCloseTo(0.849, 3);
    expect(krippendorffAlpha(reliability, { level: 'ratio' })).toBeCloseTo(0.797, 3);
  });

  it('matches Krippendorff (2011) section A, binary data, two observers: 0.095', () => {
    const data = [
      [0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
      [1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
    ];
    // hand check: alpha = 1 - (20 - 1) * 8 / (2 * 14 * 6) = 0.0952
    expect(krippendorffAlpha(data)).toBeCloseTo(0.095, 3);
  });

  it('matches Krippendorff (2011) section B, nominal data, two observers, no missing data: 0.692', () => {
    const data = [
      ['a', 'a', 'b', 'b', 'd', 'c', 'c', 'c', 'e', 'd', 'd', 'a'],
      ['b', 'a', 'b', 'b', 'b', 'c', 'c', 'c', 'e', 'd', 'd', 'd'],
    ];
    expect(krippendorffAlpha(data)).toBeCloseTo(0.692, 3);
  });

  it('ignores units with fewer than two values and treats strings like numbers at the nominal level', () => {
    const base = krippendorffAlpha(reliability);
    const extra = reliability.map((row, r) => [...row, r === 0 ? 4 : null, null]);
    expect(krippendorffAlpha(extra)).toBeCloseTo(base, 12);
    const strings = reliability.map((row) => row.map((v) => (v === null ? null : `v${v}`)));
    expect(krippendorffAlpha(strings)).toBeCloseTo(base, 12);
  });

  it('is 1 for perfect agreement', () => {
    expect(
      krippendorffAlpha(
        [
          [1, 2, 3, null],
          [1, 2, 3, 4],
          [null, 2, 3, 4],
        ],
        { level: 'interval' },
      ),
    ).toBe(1);
  });

  const matrix = fc
    .tuple(fc.integer({ min: 2, max: 5 }), fc.integer({ min: 3, max: 15 }))
    .chain(([raters, units]) =>
      fc.array(
        fc.array(fc.option(fc.integer({ min: 0, max: 4 }), { freq: 5, nil: null }), {
          minLength: units,
          maxLength: units,
        }),
        {
          minLength: raters,
          maxLength: raters,
        },
      ),
    );

  it('is invariant to the order of raters and units, and at most 1 (property)', () => {
    fc.assert(
      fc.property(
        matrix,
        fc.constantFrom('nominal' as const, 'ordinal' as const, 'interval' as const, 'ratio' as const),
        (data, level) => {
          let alpha: number;
          try {
            alpha = krippendorffAlpha(data, { level });
          } catch (e) {
            expect(e).toBeInstanceOf(AssayError);
            return;
          }
          expect(alpha).toBeLessThanOrEqual(1 + 1e-12);
          const raters = [...data].reverse();
          const units = data.map((row) => [...row].reverse());
          expect(krippendorffAlpha(raters, { level })).toBeCloseTo(alpha, 10);
          expect(krippendorffAlpha(units, { level })).toBeCloseTo(alpha, 10);
        },
      ),
    );
  });

  it('at the interval level is invariant to affine rescaling; ordinal to monotone transforms (property)', () => {
    fc.assert(
      fc.property(matrix, (data) => {
        let interval: number;
        let ordinal: number;
        try {
          interval = krippendorffAlpha(data, { level: 'interval' });
          ordinal = krippendorffAlpha(data, { level: 'ordinal' });
        } catch {
          return;
        }
        const affine = data.map((row) => row.map((v) => (v === null ? null : 3 * v - 7)));
        const monotone = data.map((row) => row.map((v) => (v === null ? null : v ** 3 + 100)));
        expect(krippendorffAlpha(affine, { level: 'interval' })).toBeCloseTo(interval, 10);
        expect(krippendorffAlpha(monotone, { level: 'ordinal' })).toBeCloseTo(ordinal, 10);
      }),
    );
  });

  it('agrees with a direct coincidence-matrix computation (property)', () => {
    // Independent, textbook implementation: build o_ck, then alpha = 1 - (n - 1) sum o δ² / sum n_c n_k δ².
    const delta = (level: string, c: number, k: number, n: Map<number, number>): number => {
      if (level === 'nominal') return c === k ? 0 : 1;
      if (level === 'interval') return (c - k) ** 2;
      if (level === 'ratio') return c + k === 0 ? 0 : ((c - k) / (c + k)) ** 2;
      const [lo, hi] = c < k ? [c, k] : [k, c];
      let s = 0;
      for (const [g, ng] of n) if (g >= lo && g <= hi) s += ng;
      return (s - (n.get(c)! + n.get(k)!) / 2) ** 2;
    };
    fc.assert(
      fc.property(matrix, fc.constantFrom('nominal', 'ordinal', 'interval', 'ratio'), (data, level) => {
        const o = new Map<string, number>();
        const nc = new Map<number, number>();
        for (let u = 0; u < data[0]!.length; u++) {
          const vals = data.map((row) => row[u]).filter((v): v is number => v !== null);
          if (vals.length < 2) continue;
          for (let i = 0; i < vals.length; i++) {
            nc.set(vals[i]!, (nc.get(vals[i]!) ?? 0) + 1);
            for (let j = 0; j < vals.length; j++) {
              if (i === j) continue;
              const key = `${vals[i]},${vals[j]}`;
              o.set(key, (o.get(key) ?? 0) + 1 / (vals.length - 1));
            }
          }
        }
        const n = [...nc.values()].reduce((a, b) => a + b, 0);
        let num = 0;
        for (const [key, v] of o) {
          const [c, k] = key.split(',').map(Number) as [number, number];
          num += v * delta(level, c, k, nc);
        }
        let den = 0;
        for (const [c, a] of nc) for (const [k, b] of nc) den += a * b * delta(level, c, k, nc);
        if (n === 0 || den === 0) return;
        const expected = 1 - ((n - 1) * num) / den;
        expect(krippendorffAlpha(data, { level: level as 'nominal' })).toBeCloseTo(expected, 10);
      }),
    );
  });

  it('rejects bad input', () => {
    expect(() => krippendorffAlpha([])).toThrow('krippendorffAlpha: data is empty (rows are raters)');
    expect(() => krippendorffAlpha([[1, 2], [1]])).toThrow(
      'krippendorffAlpha: every rater needs one entry per unit (row 0 has 2, row 1 has 1)',
    );
    expect(() =>
      krippendorffAlpha([
        [1, null],
        [null, 2],
      ]),
    ).toThrow(/nothing is pairable/);
    expect(() =>
      krippendorffAlpha([
        [1, 1],
        [1, 1],
      ]),
    ).toThrow(/no variation, alpha is undefined/);
    expect(() =>
      krippendorffAlpha(
        [
          ['a', 1],
          [2, 1],
        ],
        { level: 'interval' },
      ),
    ).toThrow('krippendorffAlpha: data[0][0] must be a number or null (got "a")');
    expect(() =>
      krippendorffAlpha(
        [
          [-1, 1],
          [2, 1],
        ],
        { level: 'ratio' },
      ),
    ).toThrow(/non-negative/);
    const many = Array.from({ length: 20_001 }, (_, i) => i);
    expect(() => krippendorffAlpha([many, many], { level: 'ratio' })).toThrow(
      /there are 20001 \(at most 20000\)/,
    );
    expect(() =>
      krippendorffAlpha([
        [Number.NaN, 1],
        [2, 1],
      ]),
    ).toThrow(AssayError);
    expect(() =>
      krippendorffAlpha(
        [
          [1, 2],
          [2, 1],
        ],
        { level: 'bogus' as 'nominal' },
      ),
    ).toThrow(/level must be one of/);
  });
});
