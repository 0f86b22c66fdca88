import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceStore } from '../core/trace-store.js';
import { openSqliteStore } from '../store/sqlite.js';
import { traceStoreOn } from '../store/trace-store.js';
import { createApiKey } from './api-keys.js';
import { metricValue } from './drift-metrics.js';
import { loadTraffic } from './from-store.js';
import { nativeToBatch } from './native-event.js';
import { sampleWindow } from './sampling.js';
import { segmentOf } from './traffic.js';

const T0 = Date.parse('2026-11-20T10:00:00Z');
let store: TraceStore;
let projectId: string;

beforeAll(async () => {
  store = traceStoreOn(await openSqliteStore(':memory:'));
  projectId = (await createApiKey(store, 'default')).project.id;
  const events = Array.from({ length: 3 }, (_, i) => ({
    type: 'generation',
    id: `g${i}`,
    traceId: `t${i}`,
    sessionId: 's1',
    timestamp: T0 + i * 10_000,
    model: 'gpt-4o-mini',
    input: i === 2 ? 'how do I get my money back?' : `question ${i}`,
    output: 'an answer',
    latencyMs: 100,
    metadata: { plan: i === 0 ? 'pro' : 'free' },
    ...(i > 0 ? { promptVersion: `v${i}` } : {}),
  }));
  await store.writeIngest(nativeToBatch({ events }, projectId, T0 + 60_000));
  // The signals stored for the session: the third turn rephrased the second.
  await store.replaceSessionSignals(projectId, 's1', [
    { projectId, traceId: 't2', sessionId: 's1', kind: 'rephrase', value: 0.91, computedMs: T0 + 30_000 },
    { projectId, traceId: 't2', sessionId: 's1', kind: 'turns', value: 3, computedMs: T0 + 30_000 },
  ]);
});
afterAll(() => store.close());

describe('loadTraffic', () => {
  it('carries the stored signals, so rephrase-rate and the signal.rephrase sampling rule see them', async () => {
    const traffic = await loadTraffic(store, projectId, T0, T0 + 60_000);
    expect(traffic.map((t) => t.id)).toEqual(['t0', 't1', 't2']);
    expect(traffic[2]!.signals?.sort()).toEqual(['rephrase', 'turns']);
    expect(traffic[0]!.signals).toBeUndefined();
    expect(traffic.map((t) => metricValue('rephrase-rate', t))).toEqual([0, 0, 1]);
    const sample = sampleWindow(traffic, {
      segments: [],
      rate: 0,
      minPerSegment: 0,
      always: ['signal.rephrase'],
      seed: 0,
    });
    expect(sample.sampled).toEqual([
      { traceId: 't2', segment: 'all', reason: 'always:signal.rephrase', weight: 1 },
    ]);
  });

  it('carries the spans’ metadata, so a metadata.<key> segment path stratifies traffic', async () => {
    const traffic = await loadTraffic(store, projectId, T0, T0 + 60_000);
    expect(traffic.map((t) => segmentOf(t, ['metadata.plan']))).toEqual([
      'metadata.plan=pro',
      'metadata.plan=free',
      'metadata.plan=free',
    ]);
  });

  it('carries the prompt version, so monitor.segments can name promptVersion', async () => {
    const traffic = await loadTraffic(store, projectId, T0, T0 + 60_000);
    expect(traffic.map((t) => segmentOf(t, ['promptVersion']))).toEqual([
      'promptVersion=(none)',
      'promptVersion=v1',
      'promptVersion=v2',
    ]);
  });
});
