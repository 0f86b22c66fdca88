import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it('reads ms, s, m, h and d', () => {
    expect(parseDuration('7d')).toBe(7 * 86_400_000);
    expect(parseDuration('60s')).toBe(60_000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('1h')).toBe(3_600_000);
  });

  it('a bare number is refused, suggesting a unit (issue 10, item 5: --timeout 2000 was 2,000 seconds)', () => {
    expect(() => parseDuration('2000', { field: '--timeout' })).toThrow(
      /^"2000" has no unit: write 2000ms or 2000s$/,
    );
    try {
      parseDuration('2000', { field: '--timeout' });
    } catch (error) {
      expect(String(error)).toBe('--timeout: "2000" has no unit: write 2000ms or 2000s');
    }
  });

  it('a bare number is milliseconds where that is the documented unit', () => {
    expect(parseDuration('2000', { bare: 'ms' })).toBe(2000);
    expect(parseDuration('2s', { bare: 'ms' })).toBe(2000);
  });

  it('zero and words are refused', () => {
    expect(() => parseDuration('0s')).toThrow(/duration above 0/);
    expect(() => parseDuration('soon')).toThrow(/duration above 0/);
    expect(() => parseDuration('-1s')).toThrow(/duration above 0/);
  });
});
