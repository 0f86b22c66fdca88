import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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

// A worker runs a chunk as the run says, not with defaults of its own: `retries`, `timeoutMs` and
// `cache` in assay.yaml, and `--no-cache`, hold for `assay eval --workers` as for `assay eval`.

const probe = await probePostgres();

describe.runIf(probe.ok || process.env.CI)('an assay worker follows the config of the run', () => {
  let server: FakeOpenAI | undefined;
  let suite: TempSuite | undefined;
  let store: Store;
  const schema = freshSchema('assay_wcfg');
  const queueSchema = `${schema}_q`;
  const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const env = { TEST_API_KEY: 'sk-test-wcfg', ASSAY_QUEUE_SCHEMA: queueSchema };

  beforeAll(async () => {
    await pgExec(`CREATE SCHEMA "${schema}"`);
    store = await openStore(url);
  });
  afterEach(async () => {
    await server?.close();
    suite?.cleanup();
  });
  afterAll(async () => {
    await store?.close();
    await pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE; DROP SCHEMA IF EXISTS "${queueSchema}" CASCADE`);
  });

  /** Runs the suite with `--workers` and one worker in this process; the results workers stored, as they came. */
  async function distributed(s: TempSuite, options: { cache?: boolean } = {}) {
    const loaded = await loadConfig(s.config, env);
    const built = await buildSuite(loaded, { env, assayVersion: 'test' });
    const fromWorkers: ResultRecord[] = [];
    const ran = runDistributed(loaded, {
      store,
      suite: built,
      url,
      cwd: s.dir,
      env,
      ...options,
      observers: [{ onResult: (r) => fromWorkers.push(r) }],
    });
    const worker = await startWorker({
      store,
      boss: await openQueue(url, env),
      cwd: s.dir,
      env,
      assayVersion: 'test',
      concurrency: 2,
    });
    try {
      return { ...(await ran), fromWorkers };
    } finally {
      await worker.stop();
    }
  }

  async function cacheRows(): Promise<number> {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      const { rows } = await client.query(`select count(*)::int as n from "${schema}".cache`);
      return rows[0].n;
    } finally {
      await client.end();
    }
  }

  it('retries: 0 and cache: false in assay.yaml hold in the worker', async () => {
    // The first call fails with a 500, which a retry would cure.
    const s = await startFakeOpenAI({ latencyMs: 1, script: [{ status: 500 }] });
    server = s;
    suite = makeSuite({
      cases: numberedCases(1),
      config: openaiConfig(s.baseURL, { retries: 0, cache: false }),
    });
    const { run, fromWorkers } = await distributed(suite);
    // The worker made one call and stored its error: it did not retry against `retries: 0`.
    expect(fromWorkers).toHaveLength(1);
    expect(fromWorkers[0]!.error).toMatch(/500/);
    // Closing the run made the failed result again, in the coordinator: it answers now.
    expect(run.status).toBe('completed');
    expect(s.stats.chat).toBe(2);
    expect(await cacheRows()).toBe(0);
  }, 60_000);

  it('--no-cache: the worker neither answers from the cache nor fills it', async () => {
    const s = await startFakeOpenAI({ latencyMs: 1 });
    server = s;
    suite = makeSuite({ cases: numberedCases(1), config: openaiConfig(s.baseURL) });
    const before = await cacheRows();
    // With the cache, the worker's answer is kept …
    await distributed(suite);
    expect(s.stats.chat).toBe(1);
    expect(await cacheRows()).toBe(before + 1);
    // … and with --no-cache, the same case is called again and nothing is added.
    const { run } = await distributed(suite, { cache: false });
    expect(run.status).toBe('completed');
    expect(s.stats.chat).toBe(2);
    expect(await cacheRows()).toBe(before + 1);
  }, 60_000);
});
