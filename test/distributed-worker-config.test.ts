import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import type { ResultRecord } from '../src/core/run.js';
import type { Store } from '../src/core/store.js';
import { openQueue } from '../src/distributed/queue.js';
import { runDistributed } from '../src/distributed/run-distributed.js';
import { startWorker } from '../src/distributed/worker.js';
import { openStore } from '../src/store/open.js';
import { buildSuite } from '../src/suite/build-suite.js';
import { type FakeOpenAI, startFakeOpenAI } from './fake-openai-server.js';
import { freshSchema, PG_URL, pgExec, probePostgres } from './helpers/postgres.js';
import { makeSuite, numberedCases, openaiConfig, type TempSuite } from './helpers/suite.js';

// A worker runs a chunk with the run's config, not with defaults of its own: `retries`,
// `timeoutMs` and `cache` in assay.yaml hold for `assay eval --workers` as for `assay eval`.

const probe = await probePostgres();

describe.runIf(probe.ok || process.env.CI)('an assay worker follows the config of the run', () => {
  let server: FakeOpenAI;
  let suite: TempSuite;
  let store: Store;
  const schema = freshSchema('assay_wcfg');
  const queueSchema = `${schema}_q`;
  const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const env = { TEST_API_KEY: 'sk-test-wcfg', ASSAY_QUEUE_SCHEMA: queueSchema };

  beforeAll(async () => {
    await pgExec(`CREATE SCHEMA "${schema}"`);
    // The first call fails with a 500, which a retry would cure.
    server = await startFakeOpenAI({ latencyMs: 1, script: [{ status: 500 }] });
    suite = makeSuite({
      cases: numberedCases(1),
      config: openaiConfig(server.baseURL, { retries: 0, cache: false }),
    });
    store = await openStore(url);
  });

  afterAll(async () => {
    await store?.close();
    await server?.close();
    suite?.cleanup();
    await pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE; DROP SCHEMA IF EXISTS "${queueSchema}" CASCADE`);
  });

  it('retries: 0 and cache: false hold in the worker', async () => {
    const loaded = await loadConfig(suite.config, env);
    const built = await buildSuite(loaded, { env, assayVersion: 'test' });
    const fromWorkers: ResultRecord[] = [];
    const ran = runDistributed(loaded, {
      store,
      suite: built,
      url,
      cwd: suite.dir,
      env,
      observers: [{ onResult: (r) => fromWorkers.push(r) }],
    });
    const worker = await startWorker({
      store,
      boss: await openQueue(url, env),
      cwd: suite.dir,
      env,
      assayVersion: 'test',
      concurrency: 2,
    });
    try {
      const { run } = await ran;
      // The worker made one call and stored its error: it did not retry against `retries: 0`.
      expect(fromWorkers).toHaveLength(1);
      expect(fromWorkers[0]!.error).toMatch(/500/);
      // Closing the run made the failed result again, in the coordinator: it answers now.
      expect(run.status).toBe('completed');
      expect(server.stats.chat).toBe(2);
    } finally {
      await worker.stop();
    }
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      const { rows } = await client.query(`select count(*)::int as n from "${schema}".cache`);
      expect(rows[0].n).toBe(0);
    } finally {
      await client.end();
    }
  }, 60_000);
});
