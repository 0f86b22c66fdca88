import { describe, expect, it } from 'vitest';
import { AssayError } from '../core/errors.js';
import { mcnemar } from './paired-tests.js';
import { pairedSampleSize, sampleSizeTwoProportions } from './power.js';
import { createRng } from './random.js';

describe('pairedSampleSize', () => {
  it("follows Connor's (1987) formula (hand-derived)", () => {
    // psi = 0.2, delta = 0.1: (1.959964 sqrt(0.2) + 0.841621 sqrt(0.19))^2 / 0.01 = (0.876523 + 0.366856)^2 / 0.01
    //   = 154.60 -> 155
    expect(pairedSampleSize({ baselineRate: 0.5, mde: 0.1, discordance: 0.2 })).toBe(155);
    // default discordance, independent runs: 0.7 * 0.25 + 0.75 * 0.3 = 0.4
    //   (1.959964 * 0.632456 + 0.841621 * 0.630476)^2 / 0.0025 = 1253.5 -> 1254
    expect(pairedSampleSize({ baselineRate: 0.7, mde: 0.05 })).toBe(1254);
    expect(pairedSampleSize({ baselineRate: 0.75, mde: -0.05 })).toBe(1254); // same pair of rates, reversed
    // alpha = 0.01, power = 0.9: (2.575829 sqrt(0.2) + 1.281552 sqrt(0.19))^2 / 0.01
    //   = (1.151947 + 0.558607)^2 / 0.01 = 292.6 -> 293
    expect(pairedSampleSize({ baselineRate: 0.5, mde: 0.1, discordance: 0.2, alpha: 0.01, power: 0.9 })).toBe(
      293,
    );
  });

  it('delivers the promised power for McNemar (simulation)', () => {
    // Runs independent given the case: discordance 0.4 as the default assumes.
    const n = pairedSampleSize({ baselineRate: 0.7, mde: 0.05 });
    const rng = createRng(2024);
    const reps = 2000;
    let rejected = 0;
    for (let r = 0; r < reps; r++) {
      let b = 0;
      let c = 0;
      for (let i = 0; i < n; i++) {
        const first = rng.next() < 0.7;
        const second = rng.next() < 0.75;
        if (first && !second) b++;
        if (!first && second) c++;
      }
      if (mcnemar(b, c, { exact: false, correction: false }).p < 0.05) rejected++;
    }
    expect(rejected / reps).toBeGreaterThan(0.77);
    expect(rejected / reps).toBeLessThan(0.83);
  });

  it('rejects impossible settings', () => {
    expect(() => pairedSampleSize({ baselineRate: 0.5, mde: 0 })).toThrow(
      'pairedSampleSize: mde must not be 0',
    );
    expect(() => pairedSampleSize({ baselineRate: 0.9, mde: 0.2 })).toThrow(
      'pairedSampleSize: baselineRate + mde must be in [0, 1] (got 1.1)',
    );
    expect(() => pairedSampleSize({ baselineRate: 0.5, mde: 0.1, discordance: 0.05 })).toThrow(
      /discordance must be between \|mde\| and 1/,
    );
    expect(() => pairedSampleSize({ baselineRate: 1, mde: -0.1 })).toThrow(AssayError);
    expect(() => pairedSampleSize({ baselineRate: 0.5, mde: 0.1, power: 1 })).toThrow(
      /power must be in \(0, 1\)/,
    );
  });
});

describe('sampleSizeTwoProportions', () => {
  it('follows the pooled-variance formula without continuity correction (hand-derived)', () => {
    // p1 = 0.5, p2 = 0.6: (1.959964 sqrt(2 * 0.55 * 0.45) + 0.841621 sqrt(0.25 + 0.24))^2 / 0.01
    //   = (1.378956 + 0.589135)^2 / 0.01 = 387.3 -> 388
    expect(sampleSizeTwoProportions({ baselineRate: 0.5, mde: 0.1 })).toBe(388);
  });

  it('delivers the promised power for the two-proportion z test (simulation)', () => {
    const n = sampleSizeTwoProportions({ baselineRate: 0.5, mde: 0.1 });
    const rng = createRng(7);
    const reps = 2000;
    let rejected = 0;
    for (let r = 0; r < reps; r++) {
      let s1 = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        if (rng.next() < 0.5) s1++;
        if (rng.next() < 0.6) s2++;
      }
      const pooled = (s1 + s2) / (2 * n);
      const z = (s2 / n - s1 / n) / Math.sqrt((pooled * (1 - pooled) * 2) / n);
      if (Math.abs(z) > 1.959964) rejected++;
    }
    expect(rejected / reps).toBeGreaterThan(0.77);
    expect(rejected / reps).toBeLessThan(0.83);
  });
});
