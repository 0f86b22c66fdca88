import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { type FakeOpenAI, startFakeOpenAI } from './fake-openai-server.js';
import { fakeAnswer, lastUserMessage } from './fixtures/promptfoo/replies.js';
import { runConfig } from './helpers/in-process.js';
import { tempDir } from './helpers/suite.js';

vi.setConfig({ testTimeout: 120_000 });

const FIXTURE = join(import.meta.dirname, 'fixtures/promptfoo');
const CONFIG = join(FIXTURE, 'promptfooconfig.yaml');

interface Verdict {
  test: number;
  pass: boolean;
  output: string | null;
}
const recorded = JSON.parse(readFileSync(join(FIXTURE, 'promptfoo-verdicts.json'), 'utf8')) as {
  promptfoo: string;
  verdicts: Verdict[];
};

let server: FakeOpenAI;
beforeAll(async () => {
  server = await startFakeOpenAI({ reply: (body) => fakeAnswer(lastUserMessage(body)) });
});
afterAll(() => server.close());

describe('a promptfoo suite run by Assay against promptfoo’s own recorded verdicts', () => {
  it('gives the same verdict as promptfoo on every one of the 204 tests', async () => {
    const env = { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: server.baseURL };
    const { config } = await loadConfig(CONFIG, env);
    const cases = (config.dataset as { cases: { id: string }[] }).cases;
    expect(cases).toHaveLength(204);
    const tmp = tempDir();
    try {
      const { results } = await runConfig(CONFIG, join(tmp.dir, 'assay.db'), { env, cache: false });
      const byId = new Map(results.map((r) => [r.caseId, r]));
      const differences = recorded.verdicts.flatMap((v) => {
        const r = byId.get(cases[v.test - 1]!.id)!;
        // Same model answer on both sides, or the comparison would say nothing.
        expect(r.output?.text).toBe(v.output);
        return r.pass === v.pass
          ? []
          : [
              `test ${v.test} (${r.caseId}): promptfoo ${v.pass}, Assay ${r.pass}: ${JSON.stringify(r.scores)}`,
            ];
      });
      expect(differences).toEqual([]);
      // The suite is not trivially all-pass or all-fail.
      const passing = recorded.verdicts.filter((v) => v.pass).length;
      expect(passing).toBeGreaterThan(40);
      expect(passing).toBeLessThan(164);
    } finally {
      tmp.cleanup();
    }
  });

  it('names each case as promptfoo does: metadata.id, else description, else position', async () => {
    const { config } = await loadConfig(CONFIG, { OPENAI_BASE_URL: server.baseURL });
    const ids = (config.dataset as { cases: { id: string; tags?: Record<string, string> }[] }).cases;
    expect(ids[0]!.id).toBe('row 1 about quito');
    expect(ids[2]!.id).toBe('3');
    expect(ids[203]).toMatchObject({ id: 'kyiv-levenshtein', tags: { difficulty: 'hard' } });
    expect(ids[200]!.id).toBe('json answer with schema');
  });
});
