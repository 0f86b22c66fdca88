import { describe, expect, it } from 'vitest';
import { AssayError } from '../core/errors.js';
import { LoadRecorder } from './load-recorder.js';

/** Records requests sent every `1000 / rps` ms, answered `latency(i)` ms later. */
function simulate(n: number, rps: number, latency: (i: number) => number, fail = (_i: number) => false) {
  const rec = new LoadRecorder(0);
  const events: [number, () => void][] = [];
  for (let i = 0; i < n; i++) {
    const due = (i * 1000) / rps;
    rec.started(due, 0);
    const at = due + latency(i);
    events.push([
      at,
      () =>
        fail(i)
          ? rec.failed(at, new AssayError('provider.http', 'x', { status: 500 }))
          : rec.answered(at, at - due),
    ]);
  }
  for (const [, record] of events.sort((a, b) => a[0] - b[0])) record();
  return rec.result({
    target: 't',
    mode: 'open',
    requestedRps: rps,
    durationMs: (n * 1000) / rps,
    now: events.at(-1)![0],
  });
}

describe('LoadRecorder throughput', () => {
  it('is the rate of a steady stream, whatever the (constant) latency', () => {
    for (const latency of [1, 100, 2500]) {
      const r = simulate(200, 50, () => latency);
      expect(r.throughputRps!).toBeCloseTo(50, 0);
      expect(Math.abs(r.throughputRps! - 50) / 50).toBeLessThan(0.005);
    }
  });

  it('is not skewed by a slow warm-up or slow stragglers', () => {
    const r = simulate(200, 50, (i) => (i < 5 ? 300 : i > 195 ? 1500 : 100));
    expect(Math.abs(r.throughputRps! - 50) / 50).toBeLessThan(0.01);
  });

  it('moves little for a burst of slow answers in the middle', () => {
    const r = simulate(200, 50, (i) => (i >= 150 && i < 160 ? 400 : 100));
    expect(Math.abs(r.throughputRps! - 50) / 50).toBeLessThan(0.02);
  });

  it('drops when the server falls behind and answers ever later', () => {
    // Each answer 10 ms later than the last: the server delivers one every 30 ms, not every 20.
    const r = simulate(200, 50, (i) => 100 + 10 * i);
    expect(r.throughputRps!).toBeCloseTo(1000 / 30, 0);
  });

  it('counts failures in the throughput and not in the answered rate', () => {
    const r = simulate(
      400,
      100,
      () => 50,
      (i) => i % 5 === 0,
    );
    expect(r.errors).toBe(80);
    expect(r.errorRate).toBe(0.2);
    expect(r.throughputRps!).toBeCloseTo(100, 0);
    expect(r.goodputRps!).toBeCloseTo(80, 0);
    expect(r.errorsByKind['5xx']).toBe(80);
  });

  it('has no rate for fewer than two responses', () => {
    expect(simulate(1, 10, () => 5).throughputRps).toBeNull();
  });
});
