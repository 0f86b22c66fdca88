/**
 * How long the monitoring page waits for its drift panels: `npx tsx bench/monitor-drift-route.ts [perDay]`
 * (default 100). Plants the e2e's 24 days of drifted traffic (test/fixtures/drifted-traffic.ts) in
 * an in-memory store, then times `GET /api/v1/monitor/drift` over the 24 daily windows with input
 * drift on (the local embedder) and off, each request to a new app (the route keeps an answer
 * 60 s in memory): three with no window store (every window computed, as before windows were
 * stored), then, on a store of closed windows, the first request (computes and stores them) and
 * five more (read them).
 */
import { monitorSchema } from '../src/config/monitor.js';
import { createLocalEmbedder } from '../src/embeddings/local.js';
import { createApiKey } from '../src/monitor/api-keys.js';
import { IngestQueue } from '../src/monitor/ingest-queue.js';
import { createApp } from '../src/server/app.js';
import { kyselyAlertStore } from '../src/store/alert-store.js';
import { kyselyDriftWindowStore } from '../src/store/drift-window-store.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { traceStoreOn } from '../src/store/trace-store.js';
import { DAYS, dayIso, driftedTraffic } from '../test/fixtures/drifted-traffic.js';

const perDay = Number(process.argv[2] ?? 100);
const kysely = await openSqliteStore(':memory:');
const store = traceStoreOn(kysely);
const { token } = await createApiKey(store, 'default');
const embedder = createLocalEmbedder();
const traffic = driftedTraffic(perDay);
for (const inputs of ['embedding', 'off'] as const) {
  const config = monitorSchema.parse({
    drift: { reference: { from: dayIso(0), to: dayIso(14) }, inputs },
  });
  const newApp = (stored = false) =>
    createApp({
      store,
      queue: new IngestQueue((b) => store.writeIngest(b)),
      monitor: {
        config,
        alerts: kyselyAlertStore(kysely.db),
        embed: (t) => embedder.embed(t),
        ...(stored ? { windows: kyselyDriftWindowStore(kysely.db) } : {}),
      },
    });
  const app = newApp();
  const auth = { authorization: `Bearer ${token}` };
  if (inputs === 'embedding') {
    for (let i = 0; i < traffic.length; i += 500) {
      const events = traffic.slice(i, i + 500).map((t) => ({
        type: 'generation',
        id: t.id,
        timestamp: new Date(t.timestamp).toISOString(),
        model: t.model,
        input: t.input,
        output: t.output,
        latencyMs: t.latencyMs,
        tags: t.tags,
      }));
      const res = await app.request('/api/v1/ingest', {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ events }),
      });
      if (res.status !== 200) throw new Error(`ingest: ${res.status} ${await res.text()}`);
    }
  }
  const request = async (stored: boolean) => {
    const t0 = performance.now();
    const res = await newApp(stored).request(
      `/api/v1/monitor/drift?from=${dayIso(0)}&to=${dayIso(DAYS)}&window=1d`,
      { headers: auth },
    );
    const body = await res.text();
    return { ms: performance.now() - t0, status: res.status, body };
  };
  const show = (ms: number[]) =>
    ms.map((t) => (t >= 1000 ? `${(t / 1000).toFixed(2)} s` : `${t.toFixed(0)} ms`)).join(', ');
  const median = (ms: number[]) => [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)]!;
  const computed: number[] = [];
  let answer = '';
  for (let k = 0; k < 3; k++) {
    const r = await request(false);
    computed.push(r.ms);
    answer = r.body;
    if (k === 0) console.log(`inputs ${inputs}: ${r.status}, ${(r.body.length / 1024).toFixed(0)} KiB`);
  }
  const first = await request(true);
  const reads: number[] = [];
  for (let k = 0; k < 5; k++) {
    const r = await request(true);
    reads.push(r.ms);
    if (r.body !== answer) throw new Error('the stored windows answer differently from a computation');
  }
  if (first.body !== answer) throw new Error('the first stored answer differs from a computation');
  console.log(
    `inputs ${inputs}: ${traffic.length} traces, ${DAYS} windows; every window computed: ${show(computed)} (median ${show([median(computed)])}); first with the store: ${show([first.ms])}; stored windows read: ${show(reads)} (median ${show([median(reads)])})`,
  );
}
await store.close();
