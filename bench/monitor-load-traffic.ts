/**
 * How long the monitor takes to read its traffic: `npx tsx bench/monitor-load-traffic.ts [traces]`
 * (default 2400). Plants that many traces (test/fixtures/traffic.ts, 100 an hour) in an in-memory
 * SQLite store, then times `loadTraffic` (a page's traces in a few queries) against the reads it
 * replaced (a `getTrace` and a `signalsForTrace` per trace), five times each, alternating.
 */
import { performance } from 'node:perf_hooks';
import { loadTraffic, monitoredFromDetail } from '../src/monitor/from-store.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { traceStoreOn } from '../src/store/trace-store.js';
import { HOUR, plantTraffic, T0 } from '../test/fixtures/traffic.js';

const n = Number(process.argv[2] ?? 2400);
const store = traceStoreOn(await openSqliteStore(':memory:'));
const projectId = (await store.ensureProject('default')).id;
const hours = Math.ceil(n / 100);
const hour = {
  traces: 100,
  errorEvery: 7,
  latencyMs: 900,
  model: 'gpt-4o',
  segment: 'pro',
  thumbsDownEvery: 4,
};
await plantTraffic(
  store,
  projectId,
  Array.from({ length: hours }, () => hour),
);
const [from, to] = [T0, T0 + hours * HOUR];

async function perTrace() {
  const out = [];
  const page = await store.listTraces(projectId, { fromMs: from, toMs: to, limit: 1000 });
  let traces = page.traces;
  for (let cursor = page.nextCursor; cursor; ) {
    const next = await store.listTraces(projectId, { fromMs: from, toMs: to, limit: 1000, cursor });
    traces = traces.concat(next.traces);
    cursor = next.nextCursor;
  }
  for (const t of traces) {
    const [d, s] = await Promise.all([
      store.getTrace(projectId, t.traceId),
      store.signalsForTrace(projectId, t.traceId),
    ]);
    if (d) out.push(monitoredFromDetail(d, s));
  }
  return out.sort((a, b) => a.timestamp - b.timestamp);
}

const times: Record<string, number[]> = { batched: [], perTrace: [] };
for (let i = 0; i < 5; i++) {
  let t = performance.now();
  const a = await loadTraffic(store, projectId, from, to);
  times.batched!.push(performance.now() - t);
  t = performance.now();
  const b = await perTrace();
  times.perTrace!.push(performance.now() - t);
  if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error('the two reads differ');
}
for (const [k, v] of Object.entries(times))
  console.log(`${k}: ${n} traces: ${v.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(', ')}`);
await store.close();
