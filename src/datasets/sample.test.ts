import { describe, expect, it } from 'vitest';
import type { Case } from '../core/case.js';
import { parseSampleSize, stratifiedSample } from './sample.js';

const cases: Case[] = Array.from({ length: 200 }, (_, i) => ({
  id: `c${i}`,
  vars: {},
  // 60% factual, 30% analytical, 10% creative; half easy, half hard.
  tags: {
    type: i < 120 ? 'factual' : i < 180 ? 'analytical' : 'creative',
    difficulty: i % 2 ? 'hard' : 'easy',
  },
}));

const count = (xs: Case[], key: string, value: string) => xs.filter((c) => c.tags[key] === value).length;

describe('stratifiedSample', () => {
  it('keeps the proportions of every stratum', () => {
    const s = stratifiedSample(cases, { size: 0.1, by: ['type', 'difficulty'], seed: 7 });
    expect(s).toHaveLength(20);
    expect([
      count(s, 'type', 'factual'),
      count(s, 'type', 'analytical'),
      count(s, 'type', 'creative'),
    ]).toEqual([12, 6, 2]);
    expect([count(s, 'difficulty', 'easy'), count(s, 'difficulty', 'hard')]).toEqual([10, 10]);
  });

  it('is the same for the same seed and differs for another', () => {
    const a = stratifiedSample(cases, { size: 50, by: ['type'], seed: 7 }).map((c) => c.id);
    const b = stratifiedSample(cases, { size: 50, by: ['type'], seed: 7 }).map((c) => c.id);
    const c = stratifiedSample(cases, { size: 50, by: ['type'], seed: 8 }).map((c) => c.id);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(new Set(a).size).toBe(50);
  });

  it('keeps dataset order and returns everything when asked for more than there is', () => {
    const s = stratifiedSample(cases, { size: 30, seed: 1 });
    const idx = s.map((c) => Number(c.id.slice(1)));
    expect(idx).toEqual([...idx].sort((x, y) => x - y));
    expect(stratifiedSample(cases, { size: 500 })).toBe(cases);
  });

  it('parses counts and percentages, and rejects the rest', () => {
    expect(parseSampleSize('10%')).toBe(0.1);
    expect(parseSampleSize('50')).toBe(50);
    expect(() => parseSampleSize('0%')).toThrow(/percentage/);
    expect(() => parseSampleSize('ten')).toThrow(/--sample/);
  });
});
