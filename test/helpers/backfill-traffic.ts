import type { FeedbackRecord } from '../../src/core/trace.js';
import type { TraceStore } from '../../src/core/trace-store.js';
import { createApiKey } from '../../src/monitor/api-keys.js';
import { IngestQueue } from '../../src/monitor/ingest-queue.js';
import type { MonitoredTrace } from '../../src/monitor/traffic.js';
import { createApp } from '../../src/server/app.js';

/** A synthetic trace as the native ingest API takes it: one `generation` event, past timestamp kept. */
export function generationEvent(t: MonitoredTrace) {
  return {
    type: 'generation',
    id: t.id,
    traceId: t.id,
    timestamp: new Date(t.timestamp).toISOString(),
    model: t.model,
    input: t.input,
    output: t.output,
    latencyMs: t.latencyMs,
    costUsd: t.costUsd,
    tags: t.tags,
    ...(t.error ? { error: t.error } : {}),
  };
}

/**
 * Backfills synthetic traffic into a store the way an app would send it: the native ingest API with
 * past timestamps, 500 events a request; thumbs written through the store's ingest path a minute
 * after each trace. Returns the project's id.
 */
export async function backfillTraffic(
  store: TraceStore,
  traffic: readonly MonitoredTrace[],
): Promise<string> {
  const { token, project } = await createApiKey(store, 'default');
  const app = createApp({ store, queue: new IngestQueue((b) => store.writeIngest(b)) });
  for (let i = 0; i < traffic.length; i += 500) {
    const events = traffic.slice(i, i + 500).map(generationEvent);
    const res = await app.request('/api/v1/ingest', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events }),
    });
    if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
  }
  const feedback: FeedbackRecord[] = traffic.flatMap((t) =>
    (t.feedback ?? []).map((f, k) => ({
      projectId: project.id,
      id: `${t.id}-fb${k}`,
      traceId: t.id,
      name: 'thumbs',
      value: f.value,
      comment: null,
      correction: null,
      escalated: false,
      userId: null,
      timestampMs: t.timestamp + 60_000,
    })),
  );
  await store.writeIngest({ spans: [], scores: [], feedback, events: [] });
  return project.id;
}
