import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type FakeOpenAI, promptOf, startFakeOpenAI } from './fake-openai-server.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from './helpers/build.js';
import { errorLines, runCli, spawnCli } from './helpers/cli.js';
import { makeSuite, openaiConfig, type TempSuite } from './helpers/suite.js';

// Child processes and real sockets: generous on a loaded machine, though each takes seconds.
vi.setConfig({ testTimeout: 120_000 });

interface ResultsJson {
  run: { id: string; provenance: { sample?: Record<string, unknown> } };
  results: { caseId: string; tags: Record<string, string> }[];
}

/** 200 cases: 60% factual, 30% analytical, 10% creative; easy and hard alternate. */
const CASES = Array.from({ length: 200 }, (_, i) => ({
  id: `c${String(i + 1).padStart(3, '0')}`,
  question: `question ${i + 1}`,
  expected: `question ${i + 1}`,
  tags: {
    type: i < 120 ? 'factual' : i < 180 ? 'analytical' : 'creative',
    difficulty: i % 2 ? 'hard' : 'easy',
  },
}));

const SAMPLE = ['--sample', '10%', '--stratify-by', 'type,difficulty', '--seed', '7'];
const ENV = { TEST_API_KEY: 'sk-sample' };

/** While set, the server answers this many more requests and leaves the rest hanging. */
let budget = Number.POSITIVE_INFINITY;
let release: () => void = () => {};
const released = new Promise<void>((r) => {
  release = r;
});

let server: FakeOpenAI;
let suite: TempSuite;

async function sampledRun(out: string, extra: string[] = SAMPLE): Promise<ResultsJson> {
  const res = await runCli(['eval', '-c', suite.config, '--db', suite.db, ...extra, '-o', out], {
    cwd: suite.dir,
    env: ENV,
  });
  expect(errorLines(res.stderr)).toEqual([]);
  expect(res.code).toBe(0);
  return JSON.parse(readFileSync(join(suite.dir, out), 'utf8')) as ResultsJson;
}

const ids = (j: ResultsJson) => j.results.map((r) => r.caseId).sort();
const count = (j: ResultsJson, f: (tags: Record<string, string>) => boolean) =>
  j.results.filter((r) => f(r.tags)).length;

let first: ResultsJson;

beforeAll(async () => {
  await ensureBuilt();
  server = await startFakeOpenAI({
    latencyMs: 1,
    reply: async (body) => {
      if (budget <= 0) await released;
      budget--;
      return `Answer: ${promptOf(body)}`;
    },
  });
  suite = makeSuite({ cases: CASES, config: openaiConfig(server.baseURL, { concurrency: 2 }) });
  first = await sampledRun('first.json');
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  release();
  await server?.close();
  suite?.cleanup();
});

describe('assay eval --sample 10% --stratify-by type,difficulty --seed 7', () => {
  it('keeps the proportions of every stratum', () => {
    expect(first.results).toHaveLength(20);
    expect(count(first, (t) => t.type === 'factual')).toBe(12);
    expect(count(first, (t) => t.type === 'analytical')).toBe(6);
    expect(count(first, (t) => t.type === 'creative')).toBe(2);
    expect(count(first, (t) => t.difficulty === 'easy')).toBe(10);
    // Each type × difficulty cell holds 10% of its cases: 60 → 6, 30 → 3, 10 → 1.
    expect(count(first, (t) => t.type === 'creative' && t.difficulty === 'hard')).toBe(1);
    expect(count(first, (t) => t.type === 'analytical' && t.difficulty === 'easy')).toBe(3);
  });

  it('records the sample in the run’s provenance', () => {
    expect(first.run.provenance.sample).toEqual({
      size: 0.1,
      by: ['type', 'difficulty'],
      seed: 7,
      selected: 20,
      of: 200,
    });
  });

  it('picks the same cases for the same seed, other cases for another', async () => {
    const again = await sampledRun('again.json');
    expect(again.run.id).not.toBe(first.run.id);
    expect(ids(again)).toEqual(ids(first));
    const other = await sampledRun('other.json', [...SAMPLE.slice(0, 4), '--seed', '8']);
    expect(ids(other)).toHaveLength(20);
    expect(ids(other)).not.toEqual(ids(first));
  });

  it('takes a count too: --sample 50', async () => {
    const fifty = await sampledRun('fifty.json', ['--sample', '50', '--stratify-by', 'type', '--seed', '7']);
    expect(fifty.results).toHaveLength(50);
    expect(count(fifty, (t) => t.type === 'factual')).toBe(30);
    expect(count(fifty, (t) => t.type === 'creative')).toBe(5);
  });

  it('says what the sample drew per stratum, and warns about a stratum it left out', async () => {
    const res = await runCli(
      ['eval', '-c', suite.config, '--db', suite.db, '--sample', '3', '--stratify-by', 'type', '--seed', '7'],
      { cwd: suite.dir, env: ENV },
    );
    expect(res.code).toBe(0);
    // 3 seats for 60% / 30% / 10%: quotas 1.8, 0.9 and 0.3 → 2, 1 and 0 by largest remainder.
    expect(res.stderr).toContain(
      [
        'assay: sample 3 of 200 cases',
        '  type=factual     2 of 120',
        '  type=analytical  1 of 60',
        '  type=creative    0 of 20',
        'assay: warning: the sample has no case of type=creative (20 in the dataset); take a larger sample to cover it',
      ].join('\n'),
    );
  });

  it('refuses a sample size it cannot read, and 100%', async () => {
    for (const size of ['ten', '100%']) {
      const res = await runCli(['eval', '-c', suite.config, '--db', suite.db, '--sample', size], {
        cwd: suite.dir,
        env: ENV,
      });
      expect(res.code).toBe(2);
      expect(errorLines(res.stderr)).toEqual([expect.stringMatching(/--sample/)]);
    }
  });

  it('--resume keeps the sample of the interrupted run', async () => {
    budget = 5;
    server.reset();
    // Without the cache: the cases are in it from the runs above, and would not wait for the server.
    const cli = spawnCli(['eval', '-c', suite.config, '--db', suite.db, '--no-cache', ...SAMPLE], {
      cwd: suite.dir,
      env: ENV,
    });
    const until = Date.now() + 30_000;
    let runId: string | undefined;
    while (!runId) {
      if (Date.now() > until) throw new Error('the run never committed 5 results');
      runId = committedRun(suite.db, 5);
      await new Promise((r) => setTimeout(r, 25));
    }
    cli.child.kill('SIGINT');
    const stopped = await cli.done;
    expect(stopped.code, stopped.stderr).toBe(3);
    budget = Number.POSITIVE_INFINITY;
    release();

    // No sample flags this time (or other ones): the stored sample is what the run finishes.
    const resumed = await sampledRun('resumed.json', ['--resume', runId, '--sample', '5']);
    expect(resumed.run.id).toBe(runId);
    expect(ids(resumed)).toEqual(ids(first));
    expect(resumed.run.provenance.sample).toEqual(first.run.provenance.sample);
    // Only sampled cases were ever asked for.
    const sampled = new Set(first.results.map((r) => `question ${Number(r.caseId.slice(1))}`));
    for (const prompt of server.stats.byPrompt.keys()) expect(sampled.has(prompt), prompt).toBe(true);
    // (The resumed part is answered from the cache the earlier runs filled, mostly.)
    expect(server.stats.byPrompt.size).toBeGreaterThanOrEqual(5);
  });
});

/** The id of a run with at least `n` committed results, read through a second connection. */
function committedRun(db: string, n: number): string | undefined {
  try {
    const conn = new Database(db, { fileMustExist: true });
    try {
      conn.pragma('busy_timeout = 2000');
      const row = conn
        .prepare(
          `SELECT r.id AS id FROM runs r JOIN results x ON x.run_id = r.id
           WHERE r.status = 'running' GROUP BY r.id HAVING count(*) >= ?`,
        )
        .get(n) as { id: string } | undefined;
      return row?.id;
    } finally {
      conn.close();
    }
  } catch {
    return undefined;
  }
}
