import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import type { Store } from '../src/core/store.js';
import { openQueue } from '../src/distributed/queue.js';
import { runDistributed } from '../src/distributed/run-distributed.js';
import { startWorker } from '../src/distributed/worker.js';
import { openStore } from '../src/store/open.js';
import { buildSuite } from '../src/suite/build-suite.js';
import { type FakeOpenAI, startFakeOpenAI } from './fake-openai-server.js';
import { freshSchema, PG_URL, pgExec, probePostgres } from './helpers/postgres.js';
import { makeSuite, numberedCases, openaiConfig, type TempSuite } from './helpers/suite.js';

// Issue 17: a worker commits a chunk's last results and the pg-boss job's completion in one
// PostgreSQL transaction. A fault injected in the database when the job is marked completed (once)
// must roll back the results written with it too: the job goes back to the queue with exactly the
// results committed before that batch, and its retry calls only the rolled-back case.

const probe = await probePostgres();
const CASES = 3;

describe.runIf(probe.ok || process.env.CI)('a chunk result and its job completion commit together', () => {
  let server: FakeOpenAI;
  let suite: TempSuite;
  let store: Store;
  const schema = freshSchema('assay_dtx');
  const queueSchema = `${schema}_q`;
  const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const env = { TEST_API_KEY: 'sk-test-dtx', ASSAY_QUEUE_SCHEMA: queueSchema };
  const client = new pg.Client({ connectionString: PG_URL });

  beforeAll(async () => {
    await pgExec(`CREATE SCHEMA "${schema}"`);
    store = await openStore(url);
    server = await startFakeOpenAI({ latencyMs: 5 });
    suite = makeSuite({ cases: numberedCases(CASES), config: openaiConfig(server.baseURL) });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await store?.close();
    await server?.close();
    suite?.cleanup();
    await pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE; DROP SCHEMA IF EXISTS "${queueSchema}" CASCADE`);
  });

  it('a failure at the completion rolls back the results of the same transaction', async () => {
    // The queue's tables exist once a queue is opened; the fault fires on the first completion only
    // (a sequence, because whatever the failing transaction wrote is rolled back with it).
    const setup = await openQueue(url, env);
    await setup.stop({ graceful: false, wait: true });
    await client.query(`
      CREATE SEQUENCE "${schema}".faults;
      CREATE FUNCTION "${schema}".fail_first_completion() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF nextval('"${schema}".faults') = 1 THEN RAISE EXCEPTION 'injected fault at job completion'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER fail_first_completion AFTER UPDATE ON "${queueSchema}".job
        FOR EACH ROW WHEN (NEW.state = 'completed' AND OLD.state <> 'completed')
        EXECUTE FUNCTION "${schema}".fail_first_completion();`);

    const loaded = await loadConfig(suite.config, env);
    const built = await buildSuite(loaded, { env, assayVersion: 'test' });
    const ran = runDistributed(loaded, { store, suite: built, url, cwd: suite.dir, env });
    // Concurrency 1: each result is its own transaction, the third one carries the completion.
    const worker = await startWorker({
      store,
      boss: await openQueue(url, env),
      cwd: suite.dir,
      env,
      assayVersion: 'test',
      concurrency: 1,
    });
    try {
      // Right after the fault, the job is back in the queue (pg-boss retries it after 1 s) …
      let job: { state: string; retry_count: number } | undefined;
      for (let i = 0; i < 500 && job?.state !== 'retry'; i++) {
        await new Promise((r) => setTimeout(r, 10));
        job = (await client.query(`select state, retry_count from "${queueSchema}".job`)).rows[0];
      }
      expect(job?.state).toBe('retry');
      // … and the results committed are the two before the failed transaction, not its own.
      const during = await client.query(`select case_id from "${schema}".results order by case_id`);
      expect(during.rows.map((r) => r.case_id)).toEqual(['c001', 'c002']);

      const { run } = await ran;
      expect(run.status).toBe('completed');
    } finally {
      await worker.stop();
    }
    const results = await client.query(`select count(*)::int as n from "${schema}".results`);
    expect(results.rows[0].n).toBe(CASES);
    const jobs = await client.query(`select state, retry_count, output from "${queueSchema}".job`);
    expect(jobs.rows).toEqual([{ state: 'completed', retry_count: 1, output: { results: 1 } }]);
    // The retry called only the case whose result was rolled back.
    expect(server.stats.chat).toBe(CASES + 1);
  }, 60_000);
});
