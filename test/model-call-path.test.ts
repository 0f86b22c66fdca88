import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import type { ResultRecord } from '../src/core/run.js';
import { writeResultsJson } from '../src/report/json.js';
import { formatSummary } from '../src/report/terminal.js';
import type { RunObserver } from '../src/runner/run-eval.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { buildSuite } from '../src/suite/build-suite.js';
import { runSuite } from '../src/suite/run-suite.js';
import { type ChatBody, type FakeOpenAI, startFakeOpenAI } from './fake-openai-server.js';
import { judgePrompt } from './judge/helpers.js';

// Judges, the simulated user and remote embedders call models through the runner's one call path
// (issue 11): the run's pools, retries and cache, with their tokens and cost counted per run apart
// from the targets' (issue 10, item 9). Real servers on 127.0.0.1, a real SQLite store.

let dir: string;
let server: FakeOpenAI;
/** Judge requests answered 429 before the judge answers (each with Retry-After 50 ms). */
let judgePushBacks = 0;

function reply(body: ChatBody) {
  const { system } = judgePrompt(body);
  if (system.includes('impartial evaluator')) {
    if (judgePushBacks > 0) {
      judgePushBacks--;
      return { status: 429, headers: { 'retry-after-ms': '50' }, body: { error: { message: 'slow down' } } };
    }
    return {
      content: '{"reasoning": "fine", "score": 4}',
      usage: { prompt_tokens: 100, completion_tokens: 10 },
    };
  }
  if (system.includes('role-playing a user')) {
    const botSaid = (body.messages ?? []).filter((m) => m.role === 'user').map((m) => m.content);
    return botSaid.some((t) => t.includes('30 days'))
      ? { content: '[GOAL_REACHED]', usage: { prompt_tokens: 20, completion_tokens: 1 } }
      : { content: 'How long do I have to return it?', usage: { prompt_tokens: 20, completion_tokens: 7 } };
  }
  return { content: 'You have 30 days.', usage: { prompt_tokens: 5, completion_tokens: 4 } };
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'assay-model-path-'));
  judgePushBacks = 0;
  server = await startFakeOpenAI({ reply, failEmbeddings: 1 });
});
afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const SINGLE_TURN = '  - { role: user, content: "{{ question }}" }\n';

/** `conversation`: the prompt is the system message only (the turns are the rest). */
function write(rows: unknown[], config: string, conversation = false): string {
  writeFileSync(join(dir, 'golden.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
  const file = join(dir, 'assay.yaml');
  writeFileSync(
    file,
    `dataset: ./golden.jsonl
prompt:
  - { role: system, content: "You are a support bot." }
${conversation ? '' : SINGLE_TURN}targets:
  - id: bot
    provider: openai:fake-model
    baseURL: ${server.baseURL}
    apiKey: sk-test
judge:
  provider: openai:claude-3-5-haiku
  baseURL: ${server.baseURL}
  apiKey: sk-test
${config}`,
  );
  return file;
}

const cases = ['a', 'b', 'c'].map((id) => ({ id, question: `return policy ${id}?` }));
const options = { env: {}, assayVersion: 'test' };

async function run(file: string, runId: string, observers: RunObserver[] = [], resume = false) {
  const store = await openSqliteStore(join(dir, 'assay.db'));
  try {
    const earlier = resume ? await store.getRun(runId) : undefined;
    const { outcome } = await runSuite(await buildSuite(await loadConfig(file, {}), options), {
      store,
      runId,
      observers,
      ...(earlier ? { resume: earlier } : {}),
    });
    const results: ResultRecord[] = [];
    for await (const r of store.results(runId)) results.push(r);
    const stored = await store.getRun(runId);
    const json = join(dir, `${runId}.json`);
    await writeResultsJson(json, stored!, store.results(runId));
    return { outcome, results, stored, json: JSON.parse(readFileSync(json, 'utf8')) };
  } finally {
    await store.close();
  }
}

describe('one model-call path', () => {
  it('counts judge tokens and cost per run, apart from the targets’, in the summary and the stored run', async () => {
    const file = write(cases, 'evaluators:\n  - type: rubric\n    dimensions: [accuracy]\n');
    const first = await run(file, 'r1');
    const { outcome, stored } = first;
    const s = outcome.summary;
    // The targets' tokens are the targets' only (3 × 5 in, 3 × 4 out) …
    expect(s.tokens).toEqual({ input: 15, output: 12, total: 27 });
    // … and the judge's are counted apart, priced at claude-3-5-haiku's list price ($0.8 / $4 per M).
    expect(s.models?.judge).toEqual({
      calls: 3,
      cached: 0,
      tokens: { input: 300, output: 30, total: 330 },
      costUsd: expect.closeTo((300 * 0.8 + 30 * 4) / 1e6, 12),
    });
    expect(stored!.summary!.models).toEqual(s.models);
    expect(first.json.summary.models).toEqual(s.models);
    expect(formatSummary({ id: 'r1', status: 'completed' }, s)).toMatch(
      /Judge +300 in · 30 out · 3 calls · Cost \$0\.0004/,
    );

    // A second run answers the judge from the run's cache: calls counted as cached, no tokens spent.
    const again = await run(file, 'r2');
    expect(again.outcome.summary.models?.judge).toMatchObject({ calls: 3, cached: 3, tokens: { total: 0 } });

    // Resuming a run keeps the counts of its earlier execution (here: nothing is left to run).
    const resumed = await run(file, 'r1', [], true);
    expect(resumed.outcome.summary.models).toEqual(s.models);
  });

  it('retries a judge’s 429 through the run’s retry loop, seen by the run’s observers', async () => {
    judgePushBacks = 2;
    const file = write(cases, 'evaluators:\n  - type: rubric\n    dimensions: [accuracy]\n');
    const retries: string[] = [];
    const { outcome, results } = await run(file, 'r1', [{ onRetry: (info) => retries.push(info.target) }]);
    expect(outcome.summary.errors).toBe(0);
    expect(results.every((r) => r.scores[0]!.error === undefined)).toBe(true);
    expect(retries).toEqual(['judge openai:claude-3-5-haiku', 'judge openai:claude-3-5-haiku']);
  });

  it('turn-level evaluators get the same services as case-level ones (the suite’s judge)', async () => {
    const rows = [
      {
        id: 'conv',
        turns: [
          { user: 'Hello.' },
          { user: 'How long do I have?', evaluators: [{ type: 'rubric', dimensions: ['accuracy'] }] },
        ],
      },
    ];
    const file = write(rows, 'evaluators:\n  - type: contains\n    value: days\n', true);
    const { outcome, results, stored } = await run(file, 'r1');
    expect(results[0]!.error).toBeUndefined();
    expect(results[0]!.scores.map((s) => [s.evaluator, s.value])).toEqual([
      ['contains', 1],
      ['turn2.rubric.accuracy', 0.75],
    ]);
    expect(outcome.summary.models?.judge?.calls).toBe(1);
    // Its prompt is in the run's provenance, as a case-level judge's is.
    expect(stored!.provenance.judgePrompts).toEqual([expect.objectContaining({ evaluator: 'rubric' })]);
  });

  it('counts the simulated user’s calls apart from the target’s', async () => {
    const rows = [{ id: 'sim', simulate: { persona: 'a customer', goal: 'learn the return window' } }];
    const config = `simulator:\n  provider: openai:fake-user\n  baseURL: ${server.baseURL}\n  apiKey: sk-test\nevaluators:\n  - type: contains\n    value: days\n`;
    const { outcome, results } = await run(write(rows, config, true), 'r1');
    expect(results[0]!.error).toBeUndefined();
    expect(outcome.summary.tokens).toEqual({ input: 5, output: 4, total: 9 });
    expect(outcome.summary.models?.simulator).toMatchObject({
      calls: 2,
      tokens: { input: 40, output: 8 },
      costUsd: 0,
    });
  });

  it('retries a remote embedder’s error like any model call, and counts its tokens', async () => {
    const config = `embedder: { provider: 'openai:text-embedding-3-small', baseURL: '${server.baseURL}', apiKey: sk-test }\nevaluators:\n  - type: similar\n    value: You have 30 days.\n`;
    const { outcome, results } = await run(write(cases, config), 'r1');
    // The first embeddings request failed with a 503; the retry answered every score.
    expect(results.map((r) => r.scores[0]!.error)).toEqual([undefined, undefined, undefined]);
    expect(outcome.summary.byEvaluator.similar).toMatchObject({ count: 3, passed: 3, errors: 0 });
    expect(server.stats.embeddings).toBeGreaterThanOrEqual(2);
    expect(outcome.summary.models?.embedder?.tokens.input).toBeGreaterThan(0);
  });
});
