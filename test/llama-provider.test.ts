import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { resolveProvider } from '../src/providers/registry.js';
import { ROOT } from './helpers/build.js';
import { runConfig } from './helpers/in-process.js';
import { makeSuite } from './helpers/suite.js';

vi.setConfig({ testTimeout: 120_000 });

// The tiny model of ../shared/models (see its README); absent on a fresh clone, like node-llama-cpp,
// an optional package (.ci/run installs it).
const MODELS = process.env.ASSAY_TEST_MODELS ?? resolve(ROOT, '../shared/models');
const MODEL = join(MODELS, 'stories260K/stories260K.gguf');
const installed = (() => {
  try {
    createRequire(import.meta.url).resolve('node-llama-cpp');
    return true;
  } catch {
    return false;
  }
})();
const why = !installed
  ? 'node-llama-cpp is not installed (npm install node-llama-cpp@3.21.1)'
  : !existsSync(MODEL)
    ? `no test model at ${MODEL} (ASSAY_TEST_MODELS)`
    : '';
if (why) console.warn(`llama provider tests skipped: ${why}`);

// threads: 1 — on two shared cores, more threads make a 20-token answer take seconds, not milliseconds.
const PARAMS = { threads: 1, contextSize: 512, max_tokens: 20, gpu: false };

describe.skipIf(why !== '')('the llama: provider on a real GGUF model', () => {
  it('generates deterministically at temperature 0, counts tokens, and costs nothing', async () => {
    const provider = await resolveProvider({ provider: `llama:${MODEL}` });
    expect(provider).toMatchObject({ family: 'llama', price: { input: 0, output: 0 } });
    const request = { messages: [{ role: 'user' as const, content: 'Once upon a time' }], params: PARAMS };
    const first = await provider.generate(request);
    const second = await provider.generate(request);
    expect(first.text.length).toBeGreaterThan(0);
    expect(second.text).toBe(first.text);
    expect(first.usage!.inputTokens).toBeGreaterThan(0);
    expect(first.usage!.outputTokens).toBeGreaterThan(0);
    expect(first.usage!.outputTokens).toBeLessThanOrEqual(20);
    // A conversation is sent whole: the history changes what the model sees, so its token count.
    const longer = await provider.generate({
      messages: [
        { role: 'system', content: 'Tell a story.' },
        { role: 'user', content: 'Lily had a dog.' },
        { role: 'assistant', content: 'The dog was big.' },
        { role: 'user', content: 'Once upon a time' },
      ],
      params: PARAMS,
    });
    expect(longer.usage!.inputTokens).toBeGreaterThan(first.usage!.inputTokens);
    const vectors = (await provider.embed!(['Once upon a time', 'a little girl'])) as number[][];
    expect(vectors).toHaveLength(2);
    expect(vectors[0]!.length).toBe(vectors[1]!.length);
  });

  it('runs a whole offline eval: the model as target, judge and embedder, cost 0, no API anywhere', async () => {
    const spec = JSON.stringify(`llama:${MODEL}`);
    const suite = makeSuite({
      config: `
dataset:
  cases:
    - id: lily
      question: Once upon a time
    - id: dog
      question: The dog was
prompt: '{{ question }}'
targets:
  - id: tiny
    provider: ${spec}
    params: ${JSON.stringify(PARAMS)}
embedder: ${spec}
evaluators:
  - type: regex
    value: '\\w'
  - type: similar
    value: 'a story about a little girl'
    threshold: 0
  - type: rubric
    rubric: the story is coherent
    judge:
      provider: ${spec}
      params: ${JSON.stringify(PARAMS)}
`,
    });
    try {
      const { results, outcome } = await runConfig(suite.config, suite.db, { cache: false });
      expect(results).toHaveLength(2);
      for (const r of results) {
        expect(r.output?.text.length).toBeGreaterThan(0);
        expect(r.costUsd).toBe(0);
        const byName = Object.fromEntries(r.scores.map((s) => [s.evaluator, s]));
        expect(byName.regex!.pass).toBe(true);
        expect(byName.similar!.value).not.toBeNull();
        // The judge is the same local model: its prompt does not fit the 512-token context of a
        // 260K-parameter story model, so the score is null with llama's reason — not a crash, not a 0.
        expect(byName.rubric).toMatchObject({ value: null, pass: null });
        expect(byName.rubric!.error).toMatch(/judge llama:.*stories260K\.gguf failed: .*context size/);
      }
      expect(outcome.summary.models?.embedder).toMatchObject({ costUsd: 0 });
      expect(outcome.summary.models?.embedder?.calls).toBeGreaterThan(0);
    } finally {
      suite.cleanup();
    }
  });

  it('a call that outlasts its timeout is a retryable provider.timeout, and the model serves the next', async () => {
    const provider = await resolveProvider({ provider: `llama:${MODEL}`, timeoutMs: 1 });
    const long = {
      messages: [{ role: 'user' as const, content: 'Once upon a time' }],
      params: { ...PARAMS, max_tokens: 400 },
    };
    // The first call loads the model outside the timeout; generating 400 tokens takes longer than 1 ms.
    await expect(provider.generate(long)).rejects.toMatchObject({
      code: 'provider.timeout',
      retryable: true,
    });
    const patient = await resolveProvider({ provider: `llama:${MODEL}` });
    expect((await patient.generate({ ...long, params: PARAMS })).text.length).toBeGreaterThan(0);
  });
});

describe('the llama: provider without its model', () => {
  it('says which model file is missing, resolved against the config folder, before loading anything', async () => {
    const provider = await resolveProvider({ provider: 'llama:./models/none.gguf', baseDir: '/tmp/x' });
    await expect(provider.generate({ messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow(
      'llama:./models/none.gguf: model file not found: /tmp/x/models/none.gguf',
    );
  });
});
