/**
 * Monitoring queries over a million traces: `npx tsx bench/monitor-queries.ts [traces]` (default
 * 1,000,000). Plants the traces (one LLM span each, 7 days, 3 segments, 2 models, 3 prompt versions,
 * feedback on one in ten) through the store's ingest write path — so the hourly rollups are written
 * as in production — into a temporary SQLite store, starts the real `assay serve` on it and times,
 * median of 7 requests after a warm-up: the traffic series and the ops metrics the monitoring page and
 * dashboards ask for. Then, in process, the same series read from the raw traces (`rollups: false`),
 * the before figure. Prints the load average, since other work shares the machine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FeedbackRecord, SpanRecord } from '../src/core/trace.js';
import type { KyselyTraceStore } from '../src/store/kysely-trace-store.js';
import { opsMetrics } from '../src/store/ops-metrics.js';
import { trafficSeries } from '../src/store/traffic-series.js';
import { startAssayServe } from '../test/helpers/web-server.js';

const TRACES = Number(process.argv[2] ?? 1_000_000);
const N = 7;
const DAY = 86_400_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

async function time(fn: () => Promise<unknown>, n = N): Promise<number> {
  await fn();
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    xs.push(performance.now() - t);
  }
  return median(xs);
}

const dir = mkdtempSync(join(tmpdir(), 'assay-bench-monitor-'));
try {
  const server = await startAssayServe(join(dir, 'assay.db'));
  const project = (await server.store.projectByName('default'))!;
  const T0 = Date.UTC(2025, 1, 1);
  const span = (i: number): SpanRecord => {
    const start = T0 + Math.floor((i / TRACES) * 7 * DAY);
    return {
      projectId: project.id,
      traceId: i.toString(16).padStart(32, '0'),
      spanId: i.toString(16).padStart(16, '0'),
      parentSpanId: null,
      name: 'chat',
      kind: 'llm',
      startMs: start,
      endMs: start + 100 + ((i * 7919) % 2900),
      model: i % 3 ? 'gpt-4o-mini' : 'gpt-4o',
      provider: 'openai',
      operation: 'chat',
      inputTokens: 120,
      outputTokens: 40,
      totalTokens: 160,
      costUsd: 0.0003,
      input: [{ role: 'user', content: `question ${i}` }],
      output: [{ role: 'assistant', content: `answer ${i}` }],
      contexts: [],
      attributes: {},
      status: i % 50 ? 'ok' : 'error',
      error: i % 50 ? null : 'upstream 503',
      sessionId: null,
      userId: null,
      tags: { segment: ['free', 'pro', 'enterprise'][i % 3]! },
      promptVersion: ['v1', 'v2', 'v3'][Math.floor(i / 7) % 3]!,
      source: 'native',
    };
  };
  const feedback = (s: SpanRecord, i: number): FeedbackRecord => ({
    projectId: project.id,
    id: `fb-${i}`,
    traceId: s.traceId,
    name: 'thumbs',
    value: i % 4 ? 1 : -1,
    comment: null,
    correction: null,
    escalated: false,
    userId: null,
    timestampMs: s.startMs + 30_000,
  });
  let t = performance.now();
  for (let i = 0; i < TRACES; i += 5000) {
    const spans = Array.from({ length: Math.min(5000, TRACES - i) }, (_, k) => span(i + k));
    const fb = spans.flatMap((s, k) => ((i + k) % 10 === 0 ? [feedback(s, i + k)] : []));
    await server.store.writeIngest({ spans, scores: [], feedback: fb, events: [] });
  }
  const n = TRACES.toLocaleString('en-US');
  console.log(
    `planted ${n} traces (and ${(TRACES / 10).toLocaleString('en-US')} feedback) in ${fmt(performance.now() - t)}`,
  );

  const get = async (path: string) => {
    const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.key}` } });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const rows: [string, number][] = [];
  const measure = async (label: string, path: string) => rows.push([label, await time(() => get(path))]);
  const iso = (ms: number) => new Date(ms).toISOString();
  // Ragged edges, as a dashboard's "last 7 days" has: both partial hours come from the raw traces.
  const from = T0 + 17 * 60_000;
  const week = `from=${iso(from)}&to=${iso(from + 7 * DAY - 34 * 60_000)}`;
  const day = `from=${iso(T0 + 3 * DAY + 17 * 60_000)}&to=${iso(T0 + 4 * DAY + 17 * 60_000)}`;
  console.log(`load average before the queries: ${load()}`);
  t = performance.now();
  await measure(`traffic series, ${n} traces, 7 days by hour`, `/api/v1/metrics/traffic?${week}&bucket=1h`);
  await measure('traffic series, same, one segment', `/api/v1/metrics/traffic?${week}&bucket=1h&segment=pro`);
  await measure('traffic series, same, one model', `/api/v1/metrics/traffic?${week}&bucket=1h&model=gpt-4o`);
  await measure(
    'traffic series, same, one prompt version',
    `/api/v1/metrics/traffic?${week}&bucket=1h&promptVersion=v2`,
  );
  await measure('traffic series, 7 days by day', `/api/v1/metrics/traffic?${week}&bucket=1d`);
  await measure(
    'traffic series, one day by 15 minutes (raw traces)',
    `/api/v1/metrics/traffic?${day}&bucket=15m`,
  );
  await measure('ops metrics, 7 days by model', `/api/v1/metrics?${week}&groupBy=model`);
  await measure('ops metrics, 7 days by prompt version', `/api/v1/metrics?${week}&groupBy=promptVersion`);
  await measure(
    'ops metrics, 7 days by hour, one segment',
    `/api/v1/metrics?${week}&groupBy=hour&segment=pro`,
  );
  await measure(
    'traces of one hour (drill-down, first page)',
    `/api/v1/traces?from=${iso(T0 + DAY)}&to=${iso(T0 + DAY + 3_600_000)}&limit=50`,
  );
  const { db, dialect } = server.store as KyselyTraceStore;
  const q = { fromMs: from, toMs: from + 7 * DAY - 34 * 60_000 };
  rows.push([
    'before: traffic series, 7 days by hour, from the raw traces (in process)',
    await time(
      () => trafficSeries(db, dialect, project.id, { ...q, bucketMs: 3_600_000 }, { rollups: false }),
      3,
    ),
  ]);
  rows.push([
    'before: ops metrics, 7 days by model, from the raw spans (in process)',
    await time(() => opsMetrics(db, dialect, project.id, { ...q, groupBy: 'model' }, { rollups: false }), 3),
  ]);
  console.log(`load average after the queries (${fmt(performance.now() - t)}): ${load()}`);
  await server.close();

  console.log('\n| measurement | median |\n| --- | --- |');
  for (const [label, ms] of rows) console.log(`| ${label} | ${fmt(ms)} |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
