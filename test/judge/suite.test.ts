import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { ResultRecord } from '../../src/core/run.js';
import { judgeBiasReport } from '../../src/judge/bias/report.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { buildSuite } from '../../src/suite/build-suite.js';
import { runSuite } from '../../src/suite/run-suite.js';
import { type ChatBody, type FakeOpenAI, startFakeOpenAI } from '../fake-openai-server.js';
import { judgePrompt } from './helpers.js';

let dir: string;
let server: FakeOpenAI;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'assay-judge-'));
  // One server plays both the target model and the judge.
  server = await startFakeOpenAI({
    reply: (body: ChatBody) => {
      const { system } = judgePrompt(body);
      if (system.includes('compare two responses')) return '{"reasoning": "same answer", "winner": "tie"}';
      return system.includes('impartial evaluator')
        ? '{"reasoning": "fine", "score": 4}'
        : 'You have 30 days.';
    },
  });
  writeFileSync(
    join(dir, 'golden.jsonl'),
    ['a', 'b', 'c'].map((id) => JSON.stringify({ id, question: `q ${id}` })).join('\n'),
  );
});
afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function suiteFile(judge: string, extra = ''): string {
  const file = join(dir, 'assay.yaml');
  writeFileSync(
    file,
    `dataset: ./golden.jsonl
prompt: "Answer: {{ question }}"
targets:
  - id: mini
    provider: openai:gpt-4o-mini
    baseURL: ${server.baseURL}
    apiKey: sk-test
judge:
  provider: ${judge}
  baseURL: ${server.baseURL}
  apiKey: sk-test
evaluators:
  - type: rubric
    dimensions: [accuracy]
${extra}`,
  );
  return file;
}

const options = { env: {}, assayVersion: 'test' };

describe('judges in a suite', () => {
  it('refuses a judge of the same family as a model target when the suite is built', async () => {
    const loaded = await loadConfig(suiteFile('openai:gpt-4o'), {});
    await expect(buildSuite(loaded, options)).rejects.toMatchObject({
      code: 'evaluator.invalid',
      field: 'evaluators[0].judge',
      message: expect.stringMatching(
        /same model family \(openai-gpt\) as target mini.*allowSameFamily: true/,
      ),
    });
  });

  it('accepts it with allowSameFamily, flags it, records the prompt in provenance and caches judge calls', async () => {
    const loaded = await loadConfig(suiteFile('openai:gpt-4o', '    allowSameFamily: true\n'), {});
    const suite = await buildSuite(loaded, options);
    expect(suite.provenance.judgePrompts).toEqual([
      expect.objectContaining({
        evaluator: 'rubric',
        template: 'rubric',
        version: 'v1',
        source: 'builtin',
        hash: expect.stringMatching(/^[0-9a-f]{16}$/),
      }),
    ]);
    const store = await openSqliteStore(join(dir, 'assay.db'));
    try {
      const first = await runSuite(suite, { store, runId: 'run-1' });
      expect(first.outcome.status).toBe('completed');
      const results: ResultRecord[] = [];
      for await (const r of store.results('run-1')) results.push(r);
      expect(results.every((r) => r.scores[0]!.details!.sameFamily === true)).toBe(true);
      expect(judgeBiasReport(results)!.warnings.join('\n')).toMatch(/self-preference risk/);
      expect(server.stats.chat).toBe(6); // 3 target calls, 3 judge calls

      // A second run of the same suite answers targets and judges from the store's cache.
      await runSuite(await buildSuite(loaded, options), { store, runId: 'run-2' });
      expect(server.stats.chat).toBe(6);
      const again: ResultRecord[] = [];
      for await (const r of store.results('run-2')) again.push(r);
      expect(again.map((r) => r.scores[0]!.details!.judgeCached)).toEqual([true, true, true]);
    } finally {
      await store.close();
    }
  });

  it('compares with a stored run: pairwise against { run }', async () => {
    const store = await openSqliteStore(join(dir, 'assay.db'));
    try {
      const base = await loadConfig(suiteFile('openai:claude-3-5-haiku'), {});
      await runSuite(await buildSuite(base, options), { store, runId: 'base-run' });
      const file = suiteFile('openai:claude-3-5-haiku');
      writeFileSync(
        file,
        readFileSync(file, 'utf8').replace(
          '  - type: rubric\n    dimensions: [accuracy]\n',
          '  - type: pairwise\n    against: { run: base-run }\n',
        ),
      );
      const { outcome } = await runSuite(await buildSuite(await loadConfig(file, {}), options), {
        store,
        runId: 'new-run',
        cache: false,
      });
      expect(outcome.summary.byEvaluator.pairwise).toMatchObject({ count: 3, errors: 0 });
      const results: ResultRecord[] = [];
      for await (const r of store.results('new-run')) results.push(r);
      expect(results[0]!.scores[0]).toMatchObject({
        evaluator: 'pairwise',
        value: 0.5,
        details: { against: 'run base-run', positionConsistent: true },
      });
    } finally {
      await store.close();
    }
  });

  it('accepts a judge of another family with no flag', async () => {
    const suite = await buildSuite(await loadConfig(suiteFile('openai:claude-3-5-haiku'), {}), options);
    expect(suite.evaluators.map((e) => e.name)).toEqual(['rubric']);
  });
});
