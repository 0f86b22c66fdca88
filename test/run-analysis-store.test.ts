import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import type { Store } from '../src/core/store.js';
import { ANALYSIS_ARTIFACT, computeRunAnalysis, type RunAnalysis } from '../src/report/stored-analysis.js';
import { runRoutes } from '../src/server/routes/runs.js';
import { openPostgresStore } from '../src/store/postgres.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { runPipeline } from '../src/suite/run-pipeline.js';
import { type FakeOpenAI, startFakeOpenAI } from './fake-openai-server.js';
import { seedFixtureRun } from './fixtures/report-run.js';
import { freshSchema, PG_URL, pgExec, probePostgres } from './helpers/postgres.js';
import { makeSuite, numberedCases, openaiConfig, type TempSuite } from './helpers/suite.js';

const pg = await probePostgres();
const ENV = { TEST_API_KEY: 'sk-analysis' };

/**
 * The run page's failure analysis is made once: `assay eval` (runPipeline, which distributed runs
 * also close through) stores it as the run ends, and the analysis route reads it; a run stored
 * before that is analysed on its first request and stored then.
 */
describe.each([
  { engine: 'SQLite', skip: false },
  { engine: 'PostgreSQL', skip: !pg.ok && !process.env.CI },
])('stored failure analysis ($engine)', ({ engine, skip }) => {
  let server: FakeOpenAI;
  let suite: TempSuite;
  let store: Store;
  const schema = freshSchema('assay_analysis');
  const analysisOf = async (runId: string) => {
    const res = await runRoutes({ store }).request(`/runs/${runId}/analysis`);
    expect(res.status).toBe(200);
    return (await res.json()) as RunAnalysis;
  };
  const stored = async (runId: string) => (await store.artifacts(runId, ANALYSIS_ARTIFACT)).length;

  beforeAll(async () => {
    if (skip) return;
    server = await startFakeOpenAI({ latencyMs: 1 });
    // Half the answers lack the expected text: failures to cluster.
    const cases = numberedCases(20).map((c, i) => (i % 2 ? { ...c, expected: `missing ${i}` } : c));
    suite = makeSuite({ cases, config: openaiConfig(server.baseURL, { concurrency: 2 }) });
    store =
      engine === 'SQLite' ? await openSqliteStore(suite.db) : await openPostgresStore(PG_URL, { schema });
  });
  afterAll(async () => {
    if (skip) return;
    await store.close();
    await server.close();
    suite.cleanup();
    if (engine === 'PostgreSQL') await pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

  it.skipIf(skip)('is stored as the run ends, and the route answers with it', async () => {
    const loaded = await loadConfig(suite.config, ENV);
    const { run } = await runPipeline(loaded, { store, build: { env: ENV, assayVersion: 'test' } });
    expect(await stored(run.id)).toBe(1);
    const closed = (await store.getRun(run.id))!;
    const fresh = await computeRunAnalysis(store, closed);
    expect(fresh.failed).toBe(10);
    const [kept] = await store.artifacts(run.id, ANALYSIS_ARTIFACT);
    expect((kept!.value as { analysis: RunAnalysis }).analysis).toEqual(JSON.parse(JSON.stringify(fresh)));

    // The route reads what is stored: a planted figure comes back, and nothing more is stored.
    const planted = kept!.value as { basis: string; analysis: RunAnalysis };
    await store.saveArtifact(run.id, ANALYSIS_ARTIFACT, {
      ...planted,
      analysis: { ...planted.analysis, failed: 4242 },
    });
    expect((await analysisOf(run.id)).failed).toBe(4242);
    expect(await stored(run.id)).toBe(2);
  });

  it.skipIf(skip)('a run stored before is analysed on its first request, then read', async () => {
    const { run } = await seedFixtureRun(store, { id: `old-${engine}` });
    expect(await stored(run.id)).toBe(0);
    const first = await analysisOf(run.id);
    expect(first.clusters.groups.length).toBeGreaterThan(0);
    expect(first.attribution?.retrieval).toBeGreaterThan(0);
    expect(await stored(run.id)).toBe(1);
    expect(await analysisOf(run.id)).toEqual(first);
    expect(await stored(run.id)).toBe(1);
  });

  it.skipIf(skip)('an analysis of earlier results is not taken for the present ones', async () => {
    const { run } = await seedFixtureRun(store, { id: `resumed-${engine}` });
    await analysisOf(run.id);
    const [kept] = await store.artifacts(run.id, ANALYSIS_ARTIFACT);
    const value = kept!.value as { basis: string; analysis: RunAnalysis };
    await store.saveArtifact(run.id, ANALYSIS_ARTIFACT, {
      ...value,
      analysis: { ...value.analysis, failed: 4242 },
    });
    // Closed again (a resumed run): another summary, so the stored analysis is of other results.
    await store.updateRun(run.id, { summary: { ...run.summary!, durationMs: run.summary!.durationMs + 1 } });
    expect((await analysisOf(run.id)).failed).toBe(value.analysis.failed);
    expect(await stored(run.id)).toBe(3);
  });
});
