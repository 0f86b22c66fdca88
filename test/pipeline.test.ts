import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import type { RunRecord } from '../src/core/run.js';
import type { Store } from '../src/core/store.js';
import { datasetVersion } from '../src/datasets/version.js';
import { openReportSource } from '../src/report/source.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { buildSuite } from '../src/suite/build-suite.js';
import { runPipeline } from '../src/suite/run-pipeline.js';
import { runSuite } from '../src/suite/run-suite.js';
import { type FakeOpenAI, startFakeOpenAI } from './fake-openai-server.js';
import { makeSuite, numberedCases, openaiConfig, type TempSuite } from './helpers/suite.js';

const ENV = { TEST_API_KEY: 'sk-pipeline' };
const build = { env: ENV, assayVersion: 'test' };

let server: FakeOpenAI;
let suite: TempSuite;
let store: Store;

beforeAll(async () => {
  server = await startFakeOpenAI({ latencyMs: 1 });
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  await store?.close();
  suite?.cleanup();
  server.reset();
});

async function setUp(config: Record<string, unknown> = {}, cases = numberedCases(30)) {
  suite = makeSuite({ cases, config: openaiConfig(server.baseURL, { concurrency: 2, ...config }) });
  store = await openSqliteStore(suite.db);
  return loadConfig(suite.config, ENV);
}

/** Counts the run-record writes of a real store. */
function countingUpdates(inner: Store): { store: Store; updates: Parameters<Store['updateRun']>[1][] } {
  const updates: Parameters<Store['updateRun']>[1][] = [];
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'updateRun')
        return async (id: string, patch: Parameters<Store['updateRun']>[1]) => {
          updates.push(patch);
          return target.updateRun(id, patch);
        };
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store, updates };
}

describe('runPipeline: assay eval as a library function', () => {
  it("stores a run under the config's project:, the one given (--project) first, default otherwise", async () => {
    const loaded = await setUp({ project: 'beta' }, numberedCases(3));
    const fromConfig = await runPipeline(loaded, { store, build });
    expect((await store.getRun(fromConfig.run.id))!.project).toBe('beta');
    const given = await runPipeline(loaded, { store, build, project: 'gamma' });
    expect((await store.getRun(given.run.id, { project: 'gamma' }))!.project).toBe('gamma');
    const plain = await runPipeline(
      { ...loaded, config: { ...loaded.config, project: undefined } },
      { store, build },
    );
    expect((await store.getRun(plain.run.id))!.project).toBe('default');
  });

  it('resumes an interrupted run in process: completed cases are not called again', async () => {
    const loaded = await setUp({ cache: false });
    const controller = new AbortController();
    let seen = 0;
    const first = await runPipeline(loaded, {
      store,
      build,
      observers: [{ onResult: () => void (++seen === 10 && controller.abort()) }],
      signal: controller.signal,
    });
    expect(first.run.status).toBe('interrupted');
    expect((await store.getRun(first.run.id))!.status).toBe('interrupted');
    const kept: string[] = [];
    for await (const r of store.results(first.run.id)) kept.push(r.caseId);
    expect(kept.length).toBeGreaterThanOrEqual(10);
    expect(kept.length).toBeLessThan(30);

    server.reset();
    const resumed = await runPipeline(loaded, { store, build, resume: true });
    expect(resumed.run.id).toBe(first.run.id);
    expect(resumed.run.status).toBe('completed');
    expect(resumed.outcome.summary.total).toBe(30);
    // Only the cases the first execution did not finish reach the provider. (A request the first
    // execution cancelled may still reach the server late, so the others are counted at least once.)
    const calls = (id: string) => server.count(`question ${Number(id.slice(1))}`);
    for (const id of kept) expect(calls(id)).toBe(0);
    const rest = numberedCases(30)
      .map((c) => String(c.id))
      .filter((id) => !kept.includes(id));
    for (const id of rest) expect(calls(id)).toBeGreaterThanOrEqual(1);
    await expect(runPipeline(loaded, { store, build, resume: first.run.id })).rejects.toMatchObject({
      code: 'run.conflict',
    });
  });

  it('stores the whole dataset once, runs the filtered cases, and writes the run record once', async () => {
    const loaded = await setUp({ gates: { passRate: 0.5, rebroken: 0 } });
    const counting = countingUpdates(store);
    const result = await runPipeline(loaded, {
      store: counting.store,
      build,
      select: { tags: { difficulty: ['hard'] } },
    });
    expect(result.run.status).toBe('completed');
    expect(result.outcome.summary.total).toBe(10);
    // The full 30 cases under the dataset's version, not the 10 that ran.
    expect(await store.datasetCases(result.suite.provenance.dataset.version)).toHaveLength(30);
    expect(result.run.provenance.filters).toMatchObject({ tags: { difficulty: ['hard'] } });
    // One write closes the run, with the runner's gates and the re-broken gate after it.
    expect(counting.updates).toHaveLength(1);
    expect(result.gates.map((g) => g.gate)).toEqual(['passRate', 'rebroken']);
    const stored = (await store.getRun(result.run.id)) as RunRecord;
    expect(stored.summary!.gates!.map((g) => g.gate)).toEqual(['passRate', 'rebroken']);
    expect(stored.status).toBe('completed');
  });

  it('a sample reports what it drew per stratum, and the strata it left out', async () => {
    // 27 easy and 3 hard cases: 10% gives the hard stratum 0.3 of a seat.
    const cases = numberedCases(30).map((c, i) => ({ ...c, tags: { difficulty: i < 27 ? 'easy' : 'hard' } }));
    const loaded = await setUp({}, cases);
    let ready: unknown;
    const result = await runPipeline(loaded, {
      store,
      build,
      select: { sample: { size: 0.1, by: ['difficulty'], seed: 3 } },
      onReady: (plan) => {
        ready = plan.sample;
      },
    });
    expect(result.sample).toEqual({
      selected: 3,
      of: 30,
      strata: [
        { stratum: 'difficulty=easy', of: 27, selected: 3 },
        { stratum: 'difficulty=hard', of: 3, selected: 0 },
      ],
      leftOut: ['difficulty=hard'],
    });
    expect(ready).toEqual(result.sample);
    expect(result.run.provenance.sample).toMatchObject({ selected: 3, of: 30 });
  });
});

describe('runSuite on a narrowed dataset', () => {
  it('never stores the narrowed cases under the whole dataset version', async () => {
    const loaded = await setUp();
    const built = await buildSuite(loaded, build);
    const fullVersion = built.dataset.version;
    built.dataset.cases = built.dataset.cases.slice(0, 5);
    const { run } = await runSuite(built, { store, runId: 'narrowed', concurrency: 2 });
    expect(await store.datasetCases(fullVersion)).toEqual([]);
    const narrowed = datasetVersion(built.dataset.cases);
    expect(run.provenance.filters).toEqual({ selectedVersion: narrowed });
    expect(await store.datasetCases(narrowed)).toHaveLength(5);
    // Reports still find the cases of the run.
    const source = await openReportSource(store, 'narrowed');
    expect([...source.cases.keys()]).toEqual(['c001', 'c002', 'c003', 'c004', 'c005']);

    // The whole dataset, run as loaded, is stored under its version.
    const whole = await buildSuite(loaded, build);
    await runSuite(whole, { store, runId: 'whole', concurrency: 2 });
    expect(await store.datasetCases(fullVersion)).toHaveLength(30);
  });
});
