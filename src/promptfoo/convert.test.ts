import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mapAssertion } from './assertions.js';
import { convertPromptfoo, isPromptfooConfig } from './convert.js';
import { assertionFromCell } from './csv-tests.js';
import { Problems } from './problems.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const convert = (raw: Record<string, unknown>, files: Record<string, string> = {}) => {
  dir = mkdtempSync(join(tmpdir(), 'assay-pf-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return convertPromptfoo(raw, join(dir, 'promptfooconfig.yaml'), () => undefined);
};

describe('convertPromptfoo', () => {
  it('makes one case per scenario config × test, vars and assertions merged in order', async () => {
    const { config } = await convert({
      prompts: ['Q: {{question}} ({{lang}})'],
      providers: ['openai:gpt-4o-mini'],
      scenarios: [
        {
          description: 'languages',
          config: [
            { vars: { lang: 'fr' } },
            { vars: { lang: 'de' }, assert: [{ type: 'contains', value: 'x' }] },
          ],
          tests: [
            { description: 'hello', vars: { question: 'hi' }, assert: [{ type: 'icontains', value: 'y' }] },
          ],
        },
      ],
    });
    const cases = (config.dataset as { cases: Record<string, unknown>[] }).cases;
    expect(cases.map((c) => [c.id, c.lang, c.question])).toEqual([
      ['languages · hello', 'fr', 'hi'],
      ['languages · hello (2)', 'de', 'hi'],
    ]);
    expect((cases[1]!.evaluators as { type: string }[]).map((e) => e.type)).toEqual([
      'contains',
      'icontains',
    ]);
    expect(config.targets).toEqual([
      { id: 'openai:gpt-4o-mini', provider: 'openai:gpt-4o-mini', prompt: 'Q: {{question}} ({{lang}})' },
    ]);
  });

  it('reads chat prompts from JSON files and sends text prompts to http providers in their body', async () => {
    const chat = JSON.stringify([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: '{{question}}' },
    ]);
    const { config } = await convert(
      {
        prompts: ['file://chat.json', { raw: 'Ask: {{question}}', label: 'plain' }],
        providers: [
          {
            id: 'anthropic:messages:claude-3-5-haiku',
            label: 'haiku',
            config: { temperature: 0, max_tokens: 50 },
          },
        ],
        tests: [{ vars: { question: 'why?' } }],
        evaluateOptions: { maxConcurrency: 3 },
        defaultTest: { options: { provider: 'openai:chat:gpt-4o' } },
      },
      { 'chat.json': chat },
    );
    expect(config.targets).toEqual([
      {
        id: 'haiku · chat.json',
        provider: 'anthropic:claude-3-5-haiku',
        params: { temperature: 0, max_tokens: 50 },
        prompt: JSON.parse(chat),
      },
      {
        id: 'haiku · plain',
        provider: 'anthropic:claude-3-5-haiku',
        params: { temperature: 0, max_tokens: 50 },
        prompt: 'Ask: {{question}}',
      },
    ]);
    expect(config).toMatchObject({ concurrency: 3, judge: 'openai:gpt-4o' });

    const http = await convert({
      prompts: ['Ask: {{question}}'],
      providers: [
        {
          id: 'http',
          config: {
            url: 'http://127.0.0.1:3000/chat',
            body: { message: '{{prompt}}', user: 'u1' },
            transformResponse: 'json.choices[0].message.content',
          },
        },
      ],
      tests: [{ vars: { question: 'why?' } }],
    });
    expect(http.config.targets).toEqual([
      {
        id: 'http',
        provider: 'http',
        url: 'http://127.0.0.1:3000/chat',
        body: { message: 'Ask: {{question}}', user: 'u1' },
        output: 'choices.0.message.content',
      },
    ]);
  });

  it('reads CSV cells as promptfoo does', () => {
    expect(assertionFromCell('Paris')).toEqual({ type: 'equals', value: 'Paris' });
    expect(assertionFromCell('not-icontains-any:a, "b, c"')).toEqual({
      type: 'not-icontains-any',
      value: 'a, "b, c"',
    });
    expect(assertionFromCell('levenshtein(2):kiev')).toEqual({
      type: 'levenshtein',
      value: 'kiev',
      threshold: 2,
    });
    expect(assertionFromCell('similar:a cat')).toEqual({ type: 'similar', value: 'a cat', threshold: 0.8 });
    expect(assertionFromCell('fn:output.length > 3')).toEqual({
      type: 'javascript',
      value: 'output.length > 3',
    });
    expect(assertionFromCell('grade:is polite')).toEqual({ type: 'llm-rubric', value: 'is polite' });
    expect(assertionFromCell('is-json')).toEqual({ type: 'is-json' });
  });

  it('knows a promptfoo config by its name or its keys', () => {
    expect(isPromptfooConfig({}, '/x/promptfooconfig.yaml')).toBe(true);
    expect(isPromptfooConfig({ prompts: [], providers: [] }, '/x/suite.yaml')).toBe(true);
    expect(isPromptfooConfig({ dataset: 'x', targets: [] }, '/x/assay.yaml')).toBe(false);
  });
});

describe('graders of the target’s own model family', () => {
  it('run as promptfoo runs them (flagged in the report, not refused)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'assay-pf-'));
    const file = join(dir, 'promptfooconfig.yaml');
    writeFileSync(
      file,
      `prompts: ["{{q}}"]
providers: [openai:chat:gpt-4o-mini]
defaultTest: { options: { provider: openai:chat:gpt-4.1 } }
tests:
  - vars: { q: hi, query: hi, context: hello }
    assert: [{ type: llm-rubric, value: polite }, { type: context-faithfulness }, { type: answer-relevance }]
`,
    );
    const { loadConfig } = await import('../config/load.js');
    const { buildSuite } = await import('../suite/build-suite.js');
    const suite = await buildSuite(await loadConfig(file, {}), { env: {}, assayVersion: 'test' });
    expect(suite.dataset.cases).toHaveLength(1);
  });
});

describe("promptfoo's model-graded assertions", () => {
  it('map onto the evaluators that grade as promptfoo does; their ignored not- forms are refused', () => {
    const problems = new Problems();
    const at = { file: 'promptfooconfig.yaml', field: 'tests[0].assert[0]' };
    const rubric = mapAssertion({ type: 'llm-rubric', value: 'polite', threshold: 0.7 }, at, problems);
    expect(rubric?.config).toMatchObject({ type: 'llm-rubric', value: 'polite', threshold: 0.7 });
    const facts = mapAssertion({ type: 'factuality', value: 'Paris' }, at, problems);
    expect(facts?.config).toMatchObject({ type: 'model-graded-factuality', value: 'Paris' });
    const qa = mapAssertion({ type: 'model-graded-closedqa', value: 'polite' }, at, problems);
    expect(qa?.config).toMatchObject({ type: 'model-graded-closedqa', value: 'polite' });
    expect(problems.size).toBe(0);
    mapAssertion({ type: 'not-factuality', value: 'Paris' }, at, problems);
    mapAssertion({ type: 'not-model-graded-closedqa', value: 'x' }, at, problems);
    expect(() => problems.throwIfAny('promptfooconfig.yaml')).toThrow(
      expect.objectContaining({
        details: [
          'promptfooconfig.yaml: tests[0].assert[0]: assertion type "not-factuality" (promptfoo does not negate it; use factuality)',
          'promptfooconfig.yaml: tests[0].assert[0]: assertion type "not-model-graded-closedqa" (promptfoo does not negate it; use model-graded-closedqa)',
        ],
      }),
    );
  });
});
