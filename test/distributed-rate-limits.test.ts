import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import type { Store } from '../src/core/store.js';
import { openQueue } from '../src/distributed/queue.js';
import { runDistributed } from '../src/distributed/run-distributed.js';
import { startWorker } from '../src/distributed/worker.js';
import { openStore } from '../src/store/open.js';
import { buildSuite } from '../src/suite/build-suite.js';
import { startFakeOpenAI } from './fake-openai-server.js';
import { freshSchema, PG_URL, pgExec, probePostgres } from './helpers/postgres.js';
import { makeSuite, numberedCases, openaiConfig } from './helpers/suite.js';

// Issue 17: rate limits hold across workers. The endpoint answers 429 to a request that arrives
// while QUOTA are in flight; each worker may hold CONCURRENCY. Two workers must not get many more
// 429s than one worker gets for the same run: the adaptive limit is one limit across workers.

const probe = await probePostgres();
const CASES = 1200;
const CONCURRENCY = 20;
const QUOTA = 8;

describe.runIf(probe.ok || process.env.CI)('rate limits shared across workers', () => {
  let store: Store;
  const schema = freshSchema('assay_drl');
  const queueSchema = `${schema}_q`;
  const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const env = { TEST_API_KEY: 'sk-test-drl', ASSAY_QUEUE_SCHEMA: queueSchema };

  beforeAll(async () => {
    await pgExec(`CREATE SCHEMA "${schema}"`);
    store = await openStore(url);
  });
  afterAll(async () => {
    await store?.close();
    await pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE; DROP SCHEMA IF EXISTS "${queueSchema}" CASCADE`);
  });

  /** A run of CASES on its own endpoint, with `workers` workers in this process: the 429s it drew. */
  async function run429s(workers: number): Promise<{ rateLimited: number; maxInFlight: number }> {
    const server = await startFakeOpenAI({ latencyMs: 50, record: false, concurrencyLimit: QUOTA });
    // Each run on its own endpoint: nothing learned by the previous run's workers carries over.
    const suite = makeSuite({
      cases: numberedCases(CASES),
      config: openaiConfig(server.baseURL, { retries: 10, cache: false }),
    });
    const started = [];
    try {
      const loaded = await loadConfig(suite.config, env);
      const built = await buildSuite(loaded, { env, assayVersion: 'test' });
      const ran = runDistributed(loaded, { store, suite: built, url, cwd: suite.dir, env, cache: false });
      for (let i = 0; i < workers; i++) {
        started.push(
          await startWorker({
            store,
            boss: await openQueue(url, env),
            cwd: suite.dir,
            env,
            assayVersion: 'test',
            concurrency: CONCURRENCY,
          }),
        );
      }
      const { run } = await ran;
      expect(run.status).toBe('completed');
      expect(run.summary?.errors).toBe(0);
      return { rateLimited: server.stats.faults[429], maxInFlight: server.stats.maxInFlight };
    } finally {
      for (const w of started) await w.stop();
      await server.close();
      suite.cleanup();
    }
  }

  it('two workers draw about as many 429s as one', async () => {
    const one = await run429s(1);
    const two = await run429s(2);
    process.stderr.write(`429s: one worker ${one.rateLimited}, two workers ${two.rateLimited}\n`);
    // Both runs met the quota (the test would prove nothing otherwise) …
    expect(one.rateLimited).toBeGreaterThan(0);
    expect(two.maxInFlight).toBeGreaterThan(QUOTA);
    // … and the second worker did not multiply them. Its first burst is not shared (workers that start
    // together each start at their own concurrency): up to CONCURRENCY / 2 more 429s are its own.
    // Measured: shared limits give 1.3-1.9x one worker's 429s (the high end on a loaded machine),
    // unshared ones 2.7x (196 against 72); the bound sits between, with room on both sides.
    expect(two.rateLimited).toBeLessThanOrEqual(2 * one.rateLimited + CONCURRENCY / 2);
  }, 180_000);
});
