/**
 * Embeddings benchmark: `npx tsx bench/embeddings.ts`. Prints a markdown table; each figure is the
 * median of 5 runs after one warm-up.
 *
 * - loading the local vectors shipped in the package;
 * - local embedding throughput (texts/s) on distinct sentences;
 * - `similar` evaluations/s with the local embedder, cache cold (every text embedded) and warm in
 *   memory; and against an OpenAI-compatible server on 127.0.0.1, also warm from a SQLite store (as
 *   a second CLI run is).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Case } from '../src/core/case.js';
import type { Evaluator } from '../src/core/score.js';
import { createLocalEmbedder, localModel } from '../src/embeddings/local.js';
import { REFERENCE_CORPUS } from '../src/embeddings/reference-corpus.js';
import { createEmbeddingService, type EmbeddingServiceOptions } from '../src/embeddings/service.js';
import { readShippedVectors } from '../src/embeddings/shipped-vectors.js';
import type { EmbedderSpec } from '../src/embeddings/spec.js';
import { createEvaluator } from '../src/evaluators/registry.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { storeVectorCache } from '../src/store/vector-cache.js';
import { startFakeOpenAI } from '../test/fake-openai-server.js';

const RUNS = 5;
const TEXTS = 5000;
const CASES = 1000;
const rows: [string, string, string][] = [];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));

async function timed(run: () => Promise<unknown>, runs = RUNS): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  return median(times);
}

// Distinct, sentence-like texts: two corpus sentences joined, numbered so none repeats.
const sentence = (i: number, salt: string) =>
  `${REFERENCE_CORPUS[i % REFERENCE_CORPUS.length]} ${REFERENCE_CORPUS[(i * 7 + 3) % REFERENCE_CORPUS.length]} ${salt} ${i}`;
const texts = (n: number, salt: string) => Array.from({ length: n }, (_, i) => sentence(i, salt));

// ---- loading ----------------------------------------------------------------------------------
const load = await timed(async () => {
  (await readShippedVectors()).vocabulary.rankOf('kettle');
});
rows.push(['local vectors: read the shipped 60,000-word int8 table', `${fmt(load)} ms`, 'median of 5']);

// ---- local embedding throughput ------------------------------------------------------------------
await localModel();
const local = createLocalEmbedder();
const batch = texts(TEXTS, 'throughput');
const embedMs = await timed(() => local.embed(batch));
rows.push([
  `local embed, ${TEXTS} texts of ~20 words`,
  `${fmt((TEXTS / embedMs) * 1000)} texts/s`,
  'median of 5',
]);

// ---- similar evaluations/s -----------------------------------------------------------------------
const cases: Case[] = Array.from({ length: CASES }, (_, i) => ({
  id: `c${i}`,
  vars: {},
  expected: sentence(i, 'reference'),
  tags: {},
}));
const outputs = cases.map((_, i) => sentence(i + 11, 'output'));

async function evaluator(options: EmbeddingServiceOptions, spec?: EmbedderSpec): Promise<Evaluator> {
  return createEvaluator(
    { type: 'similar', ...(spec ? { embedder: spec } : {}) },
    { baseDir: '.', loadModule: async () => ({}), embeddings: createEmbeddingService(options) },
  );
}

/** All cases at once, as the runner does with high concurrency. */
const evaluateAll = (e: Evaluator) =>
  Promise.all(
    cases.map((c, i) => e.evaluate({ case: c, output: { text: outputs[i]!, latencyMs: 0 }, target: 't' })),
  );

async function similarRows(label: string, spec?: EmbedderSpec): Promise<void> {
  const remote = spec !== undefined;
  // Cold: a new service each run, so every text is embedded.
  const cold = await timed(async () => evaluateAll(await evaluator({}, spec)));
  rows.push([`similar, ${label}, cache cold`, `${fmt((CASES / cold) * 1000)} evals/s`, `${CASES} cases`]);
  const warmEvaluator = await evaluator({}, spec);
  await evaluateAll(warmEvaluator);
  const warm = await timed(() => evaluateAll(warmEvaluator));
  rows.push([
    `similar, ${label}, cache warm (memory)`,
    `${fmt((CASES / warm) * 1000)} evals/s`,
    `${CASES} cases`,
  ]);

  // Warm from the store: a new process starts with an empty memory cache and a full store. The
  // local embedder does not use the store (computing is as fast as reading back).
  if (!remote) return;
  const storeDir = mkdtempSync(join(tmpdir(), 'assay-bench-store-'));
  const store = await openSqliteStore(join(storeDir, 'assay.db'));
  try {
    await evaluateAll(await evaluator({ cache: storeVectorCache(store) }, spec));
    const fromStore = await timed(async () =>
      evaluateAll(await evaluator({ cache: storeVectorCache(store) }, spec)),
    );
    rows.push([
      `similar, ${label}, cache warm (SQLite store)`,
      `${fmt((CASES / fromStore) * 1000)} evals/s`,
      `${CASES} cases`,
    ]);
  } finally {
    await store.close();
    rmSync(storeDir, { recursive: true, force: true });
  }
}

await similarRows('local');
const server = await startFakeOpenAI({ record: false, latencyMs: 20 });
try {
  const spec = { provider: 'openai:fake-embedder', baseURL: server.baseURL, apiKey: 'sk-bench' };
  await similarRows('OpenAI-compatible server (20 ms/request)', spec);
  server.reset();
  await evaluateAll(await evaluator({}, spec));
  rows.push([
    `  requests for ${CASES} cold evaluations (${CASES * 2} texts, batch 64)`,
    String(server.stats.embeddings),
    'merged across evaluations',
  ]);
} finally {
  await server.close();
}

console.log(
  `\n| embeddings (Node ${process.version}, ${process.arch}) | result | note |\n| --- | ---: | --- |`,
);
for (const [what, value, note] of rows) console.log(`| ${what} | ${value} | ${note} |`);
