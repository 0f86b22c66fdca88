import { describe, expect, it } from 'vitest';
import { DAY, START, syntheticTraffic } from '../../test/helpers/synthetic-traffic.js';
import { createLocalEmbedder } from '../embeddings/local.js';
import { type DriftOptions, detectDrift } from './detect.js';
import type { DriftExample } from './drift-examples.js';

const embedder = createLocalEmbedder();
const embed = (texts: string[]) => embedder.embed(texts);
const iso = (day: number) => new Date(START + day * DAY).toISOString();

const base: Omit<DriftOptions, 'from' | 'to'> = {
  window: DAY,
  reference: { from: iso(0), to: iso(14) },
  inputs: 'embedding',
  outputs: ['length', 'json-valid', 'refusal', 'language'],
  metrics: [
    'online-score',
    'thumbs-down-rate',
    'rephrase-rate',
    'latency-p95',
    'cost-per-query',
    'error-rate',
  ],
  embed,
};

describe('detectDrift', () => {
  it('a topic shift in 30% of inputs from day 18 raises drift.inputs on day 18, nothing before', async () => {
    const traffic = syntheticTraffic({ days: 24, perDay: 150, topicShift: { day: 18, share: 0.3 } });
    const { windows, alerts } = await detectDrift(traffic, { ...base, from: START, to: START + 24 * DAY });
    expect(windows).toHaveLength(24);
    expect(windows.slice(0, 14).every((w) => w.status === 'reference' && w.tests.length === 0)).toBe(true);
    const inputs = alerts.filter((a) => a.kind === 'drift.inputs');
    expect(inputs.length).toBeGreaterThan(0);
    expect(inputs[0]!.window.from).toBe(iso(18));
    expect(alerts.filter((a) => a.window.from < iso(18))).toEqual([]);
    // A person can act on it: the cluster that grew, with example inputs of the new topic.
    const test = windows[18]!.tests.find((t) => t.kind === 'drift.inputs')!;
    const clusters = test.details!.clusters as { change: number; examples: string[]; traceIds: string[] }[];
    expect(clusters[0]!.change).toBeGreaterThan(0.15);
    expect(clusters[0]!.examples.join(' ')).toMatch(/thermostat|vacuum|earbuds|camera/);
    // Each example names its trace, a trace of that window, so the page can link to it.
    const byId = new Map(traffic.map((t) => [t.id, t]));
    expect(clusters[0]!.traceIds).toHaveLength(clusters[0]!.examples.length);
    clusters[0]!.traceIds.forEach((id, i) => {
      expect(byId.get(id)?.input).toBe(clusters[0]!.examples[i]);
      expect(byId.get(id)!.timestamp).toBeGreaterThanOrEqual(START + 18 * DAY);
    });
    expect(test.effect).toBeGreaterThan(0.15);
  });

  it('a refusal-rate jump raises drift.outputs.refusal; a thumbs-down rise raises drift.metric.thumbs-down-rate', async () => {
    const traffic = syntheticTraffic({
      days: 20,
      perDay: 150,
      seed: 2,
      refusal: { base: 0.03, from: 16, to: 0.2 },
      thumbsDown: { base: 0.1, from: 17, to: 0.35 },
    });
    const { windows, alerts } = await detectDrift(traffic, {
      ...base,
      inputs: 'off',
      from: START,
      to: START + 20 * DAY,
    });
    const first = (kind: string) => alerts.find((a) => a.kind === kind)?.window.from;
    expect(first('drift.outputs.refusal')).toBe(iso(16));
    expect(first('drift.metric.thumbs-down-rate')).toBe(iso(17));
    expect(alerts.filter((a) => a.window.from < iso(16))).toEqual([]);
    const refusal = alerts.find((a) => a.kind === 'drift.outputs.refusal')!;
    expect(refusal.message).toMatch(/refusal rate \d+(\.\d+)?% → \d+(\.\d+)?%/);
    expect(refusal.p).toBeLessThanOrEqual(0.05);
    // The examples behind each alert are traces of its window that show the change: refusals, thumbs-down.
    const examplesOf = (day: number, kind: string) =>
      windows[day]!.tests.find((t) => t.kind === kind)!.details!.examples as DriftExample[];
    const byId = new Map(traffic.map((t) => [t.id, t]));
    const refusals = examplesOf(16, 'drift.outputs.refusal');
    expect(refusals).toHaveLength(3);
    for (const e of refusals) {
      expect(e.output).toMatch(/can't help/);
      expect(byId.get(e.traceId)!.timestamp).toBeGreaterThanOrEqual(START + 16 * DAY);
    }
    for (const e of examplesOf(17, 'drift.metric.thumbs-down-rate'))
      expect(byId.get(e.traceId)!.feedback!.some((f) => f.value < 0)).toBe(true);
  });

  it('a rolling reference (previous windows) warms up first, then tests each window against the ones before', async () => {
    const traffic = syntheticTraffic({
      days: 12,
      perDay: 100,
      seed: 3,
      refusal: { base: 0.03, from: 10, to: 0.25 },
    });
    const { windows, alerts } = await detectDrift(traffic, {
      ...base,
      inputs: 'off',
      reference: { 'previous-windows': 7 },
      from: START,
      to: START + 12 * DAY,
    });
    expect(windows.slice(0, 7).every((w) => w.status === 'warming-up')).toBe(true);
    expect(windows[7]!.status).toBe('tested');
    expect(alerts.find((a) => a.kind === 'drift.outputs.refusal')?.window.from).toBe(iso(10));
  });
});

describe('false alarms on stationary traffic', () => {
  it('100 stationary windows, every test on: at most 5 windows with any alert', async () => {
    const traffic = syntheticTraffic({ days: 114, perDay: 100, seed: 42 });
    const { windows } = await detectDrift(traffic, {
      ...base,
      from: START,
      to: START + 114 * DAY,
      // Fewer inputs than the default 200, to keep the test short; 999 permutations so that an input
      // p-value can get under Holm's first threshold (0.02 / 10 tests).
      maxInputs: 60,
      permutations: 999,
    });
    const tested = windows.filter((w) => w.status === 'tested');
    expect(tested).toHaveLength(100);
    // Every kind of test ran: inputs, 4 outputs, 5 metrics (online-score has no scores in this traffic).
    expect(new Set(tested.flatMap((w) => w.tests.map((t) => t.kind))).size).toBe(10);
    const alarmed = tested.filter((w) => w.tests.some((t) => t.alert));
    expect(alarmed.length).toBeLessThanOrEqual(5);
  });
});
