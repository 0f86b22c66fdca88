import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/core/store.js';
import type { TraceStore } from '../src/core/trace-store.js';
import { createApiKey } from '../src/monitor/api-keys.js';
import { IngestQueue } from '../src/monitor/ingest-queue.js';
import { createApp } from '../src/server/app.js';
import { openPostgresStore } from '../src/store/postgres.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { traceStoreOn } from '../src/store/trace-store.js';
import { seedFixtureRun } from './fixtures/report-run.js';
import { freshSchema, PG_URL, pgExec, probePostgres } from './helpers/postgres.js';

const pg = await probePostgres();

/**
 * Runs are scoped to a project like traces: a key of project beta neither lists nor reads nor
 * compares project default's runs (404, as another project's trace), and default's key does.
 */
describe.each([
  { engine: 'SQLite', skip: false },
  { engine: 'PostgreSQL', skip: !pg.ok && !process.env.CI },
])('the runs API is scoped to the caller’s project ($engine)', ({ engine, skip }) => {
  let runs: Store;
  let traces: TraceStore;
  let app: ReturnType<typeof createApp>;
  let alpha: string;
  let beta: string;
  const schema = freshSchema();

  beforeAll(async () => {
    if (skip) return;
    const store =
      engine === 'SQLite' ? await openSqliteStore(':memory:') : await openPostgresStore(PG_URL, { schema });
    runs = store;
    traces = traceStoreOn(store);
    // run-a and run-b belong to project default (recorded without one); beta-run to beta.
    const { run } = await seedFixtureRun(store, { id: 'run-b', baselineId: 'run-a' });
    await store.createRun({ ...run, id: 'beta-run', project: 'beta', createdAt: '2030-01-01T00:00:00.000Z' });
    alpha = (await createApiKey(traces, 'default')).token;
    beta = (await createApiKey(traces, 'beta')).token;
    app = createApp({ store: traces, queue: new IngestQueue((b) => traces.writeIngest(b)), runs });
    const list = (await (await get('/runs/run-b/results', alpha)).json()) as { rows: { id: number }[] };
    reads = [
      '/runs/run-b',
      '/runs/run-b/analysis',
      '/runs/run-b/results',
      `/runs/run-b/results/${list.rows[0]!.id}`,
      '/compare?baseline=run-a&candidate=run-b',
      '/compare?baseline=beta-run&candidate=run-b',
    ];
  });
  afterAll(async () => {
    if (skip) return;
    await traces.close();
    if (engine === 'PostgreSQL') await pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

  const get = (path: string, key: string) =>
    app.request(`/api/v1${path}`, { headers: { authorization: `Bearer ${key}` } });
  const ids = async (key: string) =>
    ((await (await get('/runs', key)).json()) as { runs: { id: string }[] }).runs.map((r) => r.id);

  let reads: string[] = [];

  it.skipIf(skip)('a key lists only its project’s runs', async () => {
    expect(await ids(alpha)).toEqual(['run-b', 'run-a']);
    expect(await ids(beta)).toEqual(['beta-run']);
  });

  it.skipIf(skip)(
    'another project’s run is 404 on every read: detail, analysis, results, case, compare',
    async () => {
      for (const path of reads) {
        const res = await get(path, beta);
        expect(res.status, path).toBe(404);
        expect(((await res.json()) as { error: { code: string } }).error.code, path).toBe('not-found');
      }
      // Not even a prefix of the id is resolved across projects.
      expect((await get('/runs/run-', beta)).status).toBe(404);
    },
  );

  it.skipIf(skip)('the owning project’s key reads them all', async () => {
    for (const path of reads.slice(0, 5)) expect((await get(path, alpha)).status, path).toBe(200);
    expect((await get('/runs/beta-run', beta)).status).toBe(200);
    expect((await get('/runs/beta-run', alpha)).status).toBe(404);
  });
});
