import type { DriftTest } from './drift-test.js';
import { type MonitoredTrace, segmentOf } from './traffic.js';

/** One segment's traffic in a window and in its reference. */
export interface SegmentScope {
  segment: string;
  reference: readonly MonitoredTrace[];
  current: readonly MonitoredTrace[];
}

/**
 * The segments of a window (by the monitor's `segments` dot paths) with their share of the
 * reference, biggest first. None when the window holds a single segment: its tests would repeat
 * the whole traffic's and only cost power under Holm. Tiny segments are not dropped here; each
 * test keeps its own minimum (20 outputs, 20 reference values, 20 inputs).
 */
export function segmentScopes(
  reference: readonly MonitoredTrace[],
  current: readonly MonitoredTrace[],
  segments: readonly string[],
): SegmentScope[] {
  const group = (list: readonly MonitoredTrace[]) => {
    const by = new Map<string, MonitoredTrace[]>();
    for (const t of list) {
      const s = segmentOf(t, segments);
      const l = by.get(s);
      if (l) l.push(t);
      else by.set(s, [t]);
    }
    return by;
  };
  const cur = group(current);
  if (cur.size < 2) return [];
  const ref = group(reference);
  return [...cur]
    .map(([segment, list]) => ({ segment, reference: ref.get(segment) ?? [], current: list }))
    .sort((a, b) => b.current.length - a.current.length || a.segment.localeCompare(b.segment));
}

/** A segment's test: marked with its segment, its message prefixed with it. */
export function inSegment(test: DriftTest, segment: string): DriftTest {
  return { ...test, segment, message: `[${segment}] ${test.message}` };
}

/**
 * Draws for the permutation (inputs) and Monte-Carlo (chi-square) p-values of a window with `tests`
 * tests in all: such a p-value is at least 1 / (B + 1), and Holm multiplies the smallest by the
 * number of tests, so with per-segment tests the default 999 could never reach alpha (30 tests ×
 * 0.001 > 0.02). Enough that the smallest p, so multiplied, is half of alpha.
 */
export function permutationsFor(tests: number, alpha: number, base: number): number {
  return Math.max(base, Math.ceil((2 * tests) / alpha) - 1);
}
