/**
 * How long the monitoring page waits for its drift panels: `npx tsx bench/monitor-drift-route.ts [perDay]`
 * (default 100). Plants the e2e's 24 days of drifted traffic (test/fixtures/drifted-traffic.ts) in
 * an in-memory store, then times `GET /api/v1/monitor/drift` over the 24 daily windows with input
 * drift on (the local embedder) and off, three requests each, each to a new app: the route keeps
 * an answer 60 s, so a fresh app makes every request pay the whole computation.
 */
import { monitorSchema } from '../src/config/monitor.js';
import { createLocalEmbedder } from '../src/embeddings/local.js';
import { createApiKey } from '../src/monitor/api-keys.js';
import { IngestQueue } from '../src/monitor/ingest-queue.js';
import { createApp } from '../src/server/app.js';
import { kyselyAlertStore } from '../src/store/alert-store.js';
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
  const newApp = () =>
    createApp({
      store,
      queue: new IngestQueue((b) => store.writeIngest(b)),
      monitor: { config, alerts: kyselyAlertStore(kysely.db), embed: (t) => embedder.embed(t) },
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
  const times: number[] = [];
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    const res = await newApp().request(
      `/api/v1/monitor/drift?from=${dayIso(0)}&to=${dayIso(DAYS)}&window=1d`,
      {
        headers: auth,
      },
    );
    const body = await res.text();
    times.push(performance.now() - t0);
    if (k === 0) console.log(`inputs ${inputs}: ${res.status}, ${(body.length / 1024).toFixed(0)} KiB`);
  }
  console.log(
    `inputs ${inputs}: ${traffic.length} traces, ${DAYS} windows: ${times.map((t) => `${(t / 1000).toFixed(2)} s`).join(', ')}`,
  );
}
await store.close();
