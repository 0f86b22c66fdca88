import { describe, expect, it } from 'vitest';
import { estimate, sampleWindow, traceDraw } from './sampling.js';
import type { MonitoredTrace } from './traffic.js';

const T0 = Date.parse('2026-11-01T00:00:00Z');

function traffic(sizes: Record<string, number>): MonitoredTrace[] {
  const out: MonitoredTrace[] = [];
  for (const [segment, n] of Object.entries(sizes)) {
    for (let i = 0; i < n; i++) {
      out.push({ id: `${segment}-${i}`, timestamp: T0 + i, input: 'q', output: 'a', tags: { segment } });
    }
  }
  return out;
}

const OPTS = { segments: ['tags.segment'], rate: 0.05, minPerSegment: 20, always: [], seed: 0 } as const;

describe('sampleWindow', () => {
  it('segments of 10,000 / 500 / 30 at 5% with minPerSegment 20 give ~500 / ~25 / 20, the same every run', () => {
    const traces = traffic({ big: 10_000, mid: 500, small: 30 });
    const a = sampleWindow(traces, OPTS);
    const count = (seg: string) => a.segments.find((s) => s.segment === `tags.segment=${seg}`)!.sampled;
    expect(count('big')).toBeGreaterThan(450);
    expect(count('big')).toBeLessThan(550);
    expect(count('mid')).toBeGreaterThanOrEqual(20);
    expect(count('mid')).toBeLessThan(40);
    expect(count('small')).toBe(20);
    // Deterministic: the same ids, whatever the order the traces come in.
    const b = sampleWindow([...traces].reverse(), OPTS);
    expect(b.sampled.map((s) => s.traceId).sort()).toEqual(a.sampled.map((s) => s.traceId).sort());
    // Another seed, another sample of about the same size.
    const c = sampleWindow(traces, { ...OPTS, seed: 7 });
    expect(c.sampled.map((s) => s.traceId).sort()).not.toEqual(a.sampled.map((s) => s.traceId).sort());
    expect(a.segments.find((s) => s.segment === 'tags.segment=small')!.realisedRate).toBeCloseTo(20 / 30);
  });

  it('a trace drawn while the window was open stays in the sample when it closes', () => {
    const traces = traffic({ big: 2000 });
    const early = sampleWindow(traces.slice(0, 1000), { ...OPTS, minPerSegment: 0 });
    const late = new Set(sampleWindow(traces, { ...OPTS, minPerSegment: 0 }).sampled.map((s) => s.traceId));
    for (const s of early.sampled) expect(late.has(s.traceId)).toBe(true);
  });

  it('always rules take errors, negative feedback and rephrases, with weight 1', () => {
    const traces = traffic({ a: 1000 });
    traces[3]!.error = 'timeout';
    traces[4]!.feedback = [{ value: -1 }];
    traces[5]!.signals = ['rephrase'];
    traces[6]!.feedback = [{ name: 'stars', value: 2 }];
    traces[7]!.feedback = [{ value: 1 }];
    const s = sampleWindow(traces, { ...OPTS, always: ['error', 'feedback.negative', 'signal.rephrase'] });
    const reasons = new Map(s.sampled.map((x) => [x.traceId, x]));
    expect(reasons.get('a-3')).toMatchObject({ reason: 'always:error', weight: 1 });
    expect(reasons.get('a-4')?.reason).toBe('always:feedback.negative');
    expect(reasons.get('a-5')?.reason).toBe('always:signal.rephrase');
    expect(reasons.get('a-6')?.reason).toBe('always:feedback.negative');
    expect(reasons.get('a-7')?.reason ?? 'rate').toBe('rate');
    expect(s.segments[0]!.always).toBe(4);
  });

  it('reweighting recovers the traffic-wide mean that the raw sample over-represents', () => {
    // 10,000 traces rated 0.9 and 30 rated 0.1: the small segment is 0.3% of traffic but ~4% of the sample.
    const traces = traffic({ big: 10_000, small: 30 });
    const value = new Map(traces.map((t) => [t.id, t.tags!.segment === 'big' ? 0.9 : 0.1]));
    const s = sampleWindow(traces, OPTS);
    const e = estimate(s.sampled, (id) => value.get(id)!);
    const truth = (10_000 * 0.9 + 30 * 0.1) / 10_030;
    expect(Math.abs(e.reweighted! - truth)).toBeLessThan(1e-9);
    expect(truth - e.sample!).toBeGreaterThan(0.02);
    expect(e.n).toBe(s.sampled.length);
  });

  it('draws are uniform enough: 5% of 100,000 ids fall below 0.05 within sampling error', () => {
    let below = 0;
    for (let i = 0; i < 100_000; i++) if (traceDraw(`trace-${i}`, 3) < 0.05) below++;
    expect(Math.abs(below - 5000)).toBeLessThan(4 * Math.sqrt(100_000 * 0.05 * 0.95));
  });
});
