import { describe, expect, it } from 'vitest';
import { DAY, START, syntheticTraffic } from '../../test/helpers/synthetic-traffic.js';
import { createLocalEmbedder } from '../embeddings/local.js';
import { holm } from '../stats/multiple-comparisons.js';
import { type DriftOptions, type DriftResult, detectDrift } from './detect.js';
import type { DriftExample } from './drift-examples.js';
import { permutationsFor } from './drift-segments.js';
import { segmentOf } from './traffic.js';

const embedder = createLocalEmbedder();
const iso = (day: number) => new Date(START + day * DAY).toISOString();
const BUSINESS = 'tags.segment=business';
const CONSUMER = 'tags.segment=consumer';

/**
 * 22 days of 200 traces (70% consumer, 30% business), reference days 0–13; from day 16 a quarter of
 * the business answers are refusals. Consumer traffic does not change.
 */
function planted() {
  const traffic = syntheticTraffic({ days: 22, perDay: 200, seed: 5 });
  let k = 0;
  for (const t of traffic) {
    if (t.timestamp < START + 16 * DAY || t.tags?.segment !== 'business') continue;
    if (k++ % 4 === 0) t.output = "I'm sorry, but I can't help with that request.";
  }
  return traffic;
}

const options: DriftOptions = {
  from: START,
  to: START + 22 * DAY,
  window: DAY,
  reference: { from: iso(0), to: iso(14) },
  inputs: 'embedding',
  outputs: ['length', 'json-valid', 'refusal', 'language'],
  metrics: ['thumbs-down-rate', 'rephrase-rate', 'latency-p95', 'cost-per-query', 'error-rate'],
  embed: (texts) => embedder.embed(texts),
  // 50 inputs a window (200 for the reference) keep the 3,000-permutation MMD tests quick.
  maxInputs: 50,
  segments: ['tags.segment'],
};

const traffic = planted();
let result: Promise<DriftResult> | undefined;
const bySegment = () => {
  result ??= detectDrift(traffic, options);
  return result;
};

describe('per-segment drift', () => {
  it('drift planted in one segment fires for that segment only, from its first day, nothing before', async () => {
    const { windows, alerts } = await bySegment();
    expect(alerts.filter((a) => a.window.from < iso(16))).toEqual([]);
    const segmentAlerts = alerts.filter((a) => a.segment !== undefined);
    expect(segmentAlerts.length).toBeGreaterThan(0);
    expect(segmentAlerts.every((a) => a.segment === BUSINESS)).toBe(true);
    expect(alerts.some((a) => a.segment === CONSUMER)).toBe(false);
    const refusals = segmentAlerts.filter((a) => a.kind === 'drift.outputs.refusal');
    expect(refusals.map((a) => a.window.from)).toEqual([16, 17, 18, 19, 20, 21].map(iso));
    expect(refusals[0]!.message).toMatch(/^\[tags\.segment=business\] refusal rate/);
    // Its examples are refusals of that segment and window.
    const test = windows[16]!.tests.find(
      (t) => t.segment === BUSINESS && t.kind === 'drift.outputs.refusal',
    )!;
    const byId = new Map(traffic.map((t) => [t.id, t]));
    const examples = test.details!.examples as DriftExample[];
    expect(examples.length).toBeGreaterThan(0);
    for (const e of examples) {
      const t = byId.get(e.traceId)!;
      expect(segmentOf(t, ['tags.segment'])).toBe(BUSINESS);
      expect(t.output).toMatch(/^I'm sorry/);
      expect(t.timestamp).toBeGreaterThanOrEqual(START + 16 * DAY);
    }
  }, 120_000);

  it('one Holm correction over every test of a window, whole traffic and segments together', async () => {
    const { windows } = await bySegment();
    const tested = windows.filter((w) => w.status === 'tested');
    expect(tested).toHaveLength(8);
    for (const w of tested) {
      const scopes = new Set(w.tests.map((t) => t.segment ?? 'all'));
      expect([...scopes].sort()).toEqual(['all', BUSINESS, CONSUMER]);
      // 10 tests per scope (inputs, 4 outputs, 5 metrics), 30 in one family.
      expect(w.tests).toHaveLength(30);
      const adjusted = holm(w.tests.map((t) => t.p));
      w.tests.forEach((t, j) => {
        expect(t.adjustedP).toBe(adjusted[j]);
        expect(t.alert).toBe(adjusted[j]! <= 0.02);
      });
    }
    // Permutation and Monte-Carlo p-values draw enough for their smallest to survive 30 tests:
    // 2,999 draws, so 30 / 3,000 = 0.01, half of alpha (999 would floor at 0.03 > 0.02).
    expect(permutationsFor(30, 0.02, 999)).toBe(2999);
    const refusal = windows[16]!.tests.find(
      (t) => t.segment === BUSINESS && t.kind === 'drift.outputs.refusal',
    )!;
    expect(refusal.p).toBeCloseTo(1 / 3000, 12);
    expect(refusal.adjustedP).toBeLessThanOrEqual(0.02);
  }, 120_000);

  it('without segments (bySegment off) nothing is tested per segment', async () => {
    const { segments: _off, ...whole } = options;
    const { windows } = await detectDrift(traffic, { ...whole, inputs: 'off' });
    for (const w of windows) expect(w.tests.every((t) => t.segment === undefined)).toBe(true);
    expect(windows[16]!.tests).toHaveLength(9);
  }, 120_000);
});
