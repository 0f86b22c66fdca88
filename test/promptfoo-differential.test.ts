import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { type FakeOpenAI, startFakeOpenAI } from './fake-openai-server.js';
import { fakeReply } from './fixtures/promptfoo/replies.js';
import { runConfig } from './helpers/in-process.js';
import { tempDir } from './helpers/suite.js';

vi.setConfig({ testTimeout: 120_000 });

const FIXTURE = join(import.meta.dirname, 'fixtures/promptfoo');

interface Verdict {
  test: number;
  pass: boolean;
  output: unknown;
  providerError?: string;
}

let server: FakeOpenAI;
beforeAll(async () => {
  server = await startFakeOpenAI({ reply: fakeReply });
});
afterAll(() => server.close());

/** What promptfoo's output says the model answered, in Assay's terms: text, or the tool calls. */
function answered(output: unknown): { text?: string; calls?: { name: string; arguments: string }[] } {
  if (typeof output === 'string') return { text: output };
  const list = Array.isArray(output) ? output : ((output as { tool_calls?: unknown[] })?.tool_calls ?? []);
  return {
    calls: (list as { function: { name: string; arguments: string } }[]).map((c) => ({
      name: c.function.name,
      arguments: c.function.arguments,
    })),
  };
}

/** Runs one suite with Assay and lists every test whose verdict differs from promptfoo's. */
async function differences(suite: string) {
  const config = join(FIXTURE, suite, 'promptfooconfig.yaml');
  const recorded = JSON.parse(readFileSync(join(FIXTURE, suite, 'promptfoo-verdicts.json'), 'utf8')) as {
    verdicts: Verdict[];
  };
  const env = { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: server.baseURL };
  const { config: loaded } = await loadConfig(config, env);
  const cases = (loaded.dataset as { cases: { id: string }[] }).cases;
  expect(cases).toHaveLength(recorded.verdicts.length);
  const tmp = tempDir();
  try {
    const { results } = await runConfig(config, join(tmp.dir, 'assay.db'), { env, cache: false });
    const byId = new Map(results.map((r) => [r.caseId, r]));
    const diffs = recorded.verdicts.flatMap((v) => {
      const r = byId.get(cases[v.test - 1]!.id)!;
      // Same model answer on both sides, or the comparison would say nothing.
      const said = answered(v.output);
      if (v.providerError) expect(r.error).toContain(v.providerError);
      else if (said.calls) {
        const calls = (r.output?.toolCalls ?? []).map((c) => ({
          name: c.name,
          arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments),
        }));
        expect(calls.map((c) => c.name)).toEqual(said.calls.map((c) => c.name));
      } else expect(r.output?.text).toBe(said.text);
      return r.pass === v.pass
        ? []
        : [`test ${v.test} (${r.caseId}): promptfoo ${v.pass}, Assay ${r.pass}: ${JSON.stringify(r.scores)}`];
    });
    const passing = recorded.verdicts.filter((v) => v.pass).length;
    return { diffs, passing, total: recorded.verdicts.length };
  } finally {
    tmp.cleanup();
  }
}

describe('promptfoo suites run by Assay against promptfoo’s own recorded verdicts', () => {
  it('gives the same verdict as promptfoo on every one of the 204 deterministic tests', async () => {
    const { diffs, passing } = await differences('.');
    expect(diffs).toEqual([]);
    // The suite is not trivially all-pass or all-fail.
    expect(passing).toBeGreaterThan(40);
    expect(passing).toBeLessThan(164);
  });

  it('checks tool calls against the provider’s tools as is-valid-openai-tools-call does', async () => {
    const { diffs, passing, total } = await differences('tools');
    expect(diffs).toEqual([]);
    expect([passing, total]).toEqual([6, 16]);
  });

  it('grades context-recall, context-faithfulness and answer-relevance as promptfoo does, on a file:// provider', async () => {
    const { diffs, passing, total } = await differences('rag');
    expect(diffs).toEqual([]);
    expect([passing, total]).toEqual([9, 16]);
  });

  it('grades llm-rubric (with and without threshold), model-graded-closedqa and factuality as promptfoo does', async () => {
    const from = server.requests.length;
    const { diffs, passing, total } = await differences('graded');
    expect(diffs).toEqual([]);
    expect([passing, total]).toEqual([20, 32]);
    // promptfoo sends the closedqa prompt as a lone system message; so does Assay.
    const roles = server.requests
      .slice(from)
      .map((r) => (r.body as { messages: { role: string }[] }).messages.map((m) => m.role).join(','));
    expect(roles.filter((r) => r === 'system')).toHaveLength(5);
    expect(roles.filter((r) => r === 'system,user')).toHaveLength(27);
  });

  it('names each case as promptfoo does: metadata.id, else description, else position', async () => {
    const { config } = await loadConfig(join(FIXTURE, 'promptfooconfig.yaml'), {
      OPENAI_BASE_URL: server.baseURL,
    });
    const ids = (config.dataset as { cases: { id: string; tags?: Record<string, string> }[] }).cases;
    expect(ids[0]!.id).toBe('row 1 about quito');
    expect(ids[2]!.id).toBe('3');
    expect(ids[203]).toMatchObject({ id: 'kyiv-levenshtein', tags: { difficulty: 'hard' } });
    expect(ids[200]!.id).toBe('json answer with schema');
  });
});
