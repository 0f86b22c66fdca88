import http from 'node:http';
import type { AddressInfo } from 'node:net';
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
import { ensureBuilt } from './helpers/build.js';
import { spawnCli } from './helpers/cli.js';
import { freshSchema, PG_URL, pgExec, pgQuery, probePostgres } from './helpers/postgres.js';
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
    const [row] = await pgQuery<{ n: number }>(`select count(*)::int as n from "${schema}".cache`);
    return row!.n;
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

describe.runIf(probe.ok || process.env.CI)('assay eval --workers --otlp-endpoint', () => {
  const schema = freshSchema('assay_wotlp');
  const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const env = { TEST_API_KEY: 'sk-test-wotlp', ASSAY_QUEUE_SCHEMA: `${schema}_q` };
  afterAll(async () => {
    await pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE; DROP SCHEMA IF EXISTS "${schema}_q" CASCADE`);
  });

  it('exports a span per result the workers store', async () => {
    await ensureBuilt();
    await pgExec(`CREATE SCHEMA "${schema}"`);
    const server = await startFakeOpenAI({ latencyMs: 1 });
    const suite = makeSuite({ cases: numberedCases(3), config: openaiConfig(server.baseURL) });
    let spans = 0;
    const collector = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c;
      });
      req.on('end', () => {
        const sent = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: unknown[] }[] }[] };
        for (const r of sent.resourceSpans) for (const s of r.scopeSpans) spans += s.spans.length;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    const worker = spawnCli(['worker', '--db', url], { cwd: suite.dir, env, timeoutMs: 60_000 });
    try {
      const res = await spawnCli(['eval', '--db', url, '--workers', '--otlp-endpoint', endpoint], {
        cwd: suite.dir,
        env,
        timeoutMs: 60_000,
      }).done;
      expect(res.code, res.stderr).toBe(0);
      expect(res.stderr).toContain('assay: 3 spans exported over OTLP');
      expect(spans).toBe(3);
    } finally {
      worker.child.kill('SIGTERM');
      await worker.done;
      await new Promise((r) => collector.close(r));
      await server.close();
      suite.cleanup();
    }
  }, 120_000);
});
