import { describe, expect, it } from 'vitest';
import { mcnemarPower, mcnemarSampleSize } from './mcnemar-power.js';
import { pairedSampleSize } from './power.js';

// Reference values from an independent Python implementation (scipy 1.17.1): sum over d of
// binom.pmf(d, n, psi) × P(reject | d), the rejection decided by scipy's binomtest (d <= 25) or
// chi2.sf of the corrected statistic; checked against 20,000 simulated multinomial tables
// (n = 104, p1 = 0.5, mde = 0.2: 0.8018 ± 0.0028 vs exact 0.8034).
describe('mcnemarPower (issue 12, item 5)', () => {
  it("shows Connor's n falls short of 0.8 with the test compare runs, and Holm's family much more", () => {
    const o = { baselineRate: 0.85, mde: 0.03 };
    expect(pairedSampleSize(o)).toBe(2039);
    expect(mcnemarPower(2039, o)).toBeCloseTo(0.7881, 4);
    expect(mcnemarPower(2039, { ...o, alpha: 0.05 / 6 })).toBeCloseTo(0.5476, 4);
    expect(mcnemarPower(96, { baselineRate: 0.5, mde: 0.2 })).toBeCloseTo(0.7645, 4);
    expect(mcnemarPower(870, { ...o, discordance: 0.1 })).toBeCloseTo(0.7735, 4);
  });

  it('sizes for the exact power: the n reaches the target and the n below does not', () => {
    const o = { baselineRate: 0.85, mde: 0.03 };
    const s = mcnemarSampleSize(o);
    expect(s.n).toBe(2100); // Python: power 0.800125 at 2100, 0.799932 at 2099
    expect(s.power).toBeCloseTo(0.8001246799691215, 6);
    expect(mcnemarPower(2099, o)).toBeLessThan(0.8);
    expect(mcnemarSampleSize({ ...o, family: 6 })).toMatchObject({ n: 3207, alpha: 0.05 / 6 });
    expect(mcnemarSampleSize({ ...o, discordance: 0.1 }).n).toBe(925);
    expect(mcnemarSampleSize({ baselineRate: 0.5, mde: 0.2 }).n).toBe(104);
    expect(mcnemarSampleSize({ ...o, alpha: 0.01, power: 0.9 }).n).toBe(3923);
  });

  it('gives the same power for a fall as for the same rise (the test is two-sided and symmetric)', () => {
    expect(mcnemarPower(300, { baselineRate: 0.75, mde: -0.1, discordance: 0.2 })).toBeCloseTo(
      mcnemarPower(300, { baselineRate: 0.65, mde: 0.1, discordance: 0.2 }),
      12,
    );
  });
});
