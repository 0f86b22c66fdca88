import { afterEach, describe, expect, it } from 'vitest';
import { standaloneModelCaller } from '../../src/runner/call-model.js';
import { type FakeOpenAI, startFakeOpenAI } from '../fake-openai-server.js';
import { anOutput, build, judgeAt, judgePrompt, memoryCache, scores } from './helpers.js';

let server: FakeOpenAI | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const accuracy = (baseURL: string, extra: Record<string, unknown> = {}) => ({
  type: 'rubric',
  judge: judgeAt(baseURL),
  dimensions: ['accuracy'],
  ...extra,
});

describe('rubric judge against a scripted OpenAI-compatible server', () => {
  it('parses a clean JSON verdict: raw score in details, value normalised, pass at the threshold', async () => {
    server = await startFakeOpenAI({
      script: [{ content: '{"reasoning": "Correct: 30 days.", "score": 4}' }],
    });
    const e = await build(accuracy(server.baseURL));
    const [s] = await scores(e, { output: anOutput('You have 30 days.') });
    expect(s).toMatchObject({ evaluator: 'rubric.accuracy', value: 0.75, pass: true });
    expect(s!.details).toMatchObject({
      raw: 4,
      scale: [1, 5],
      threshold: 4,
      reasoning: 'Correct: 30 days.',
      kind: 'rubric',
    });
    expect(s!.reason).toContain('Correct: 30 days.');
    expect(server.stats.chat).toBe(1);
    // JSON mode was asked for, at temperature 0, and the rubric levels were in the prompt.
    const body = server.requests[0]!.body as Record<string, unknown>;
    expect(body.response_format).toEqual({ type: 'json_object' });
    expect(body.temperature).toBe(0);
    expect(judgePrompt(body as never).system).toContain(
      '5: All claims are factually correct and verifiable.',
    );
  });

  it('parses a fenced JSON verdict inside prose', async () => {
    server = await startFakeOpenAI({
      script: [
        { content: 'Let me think.\n```json\n{"reasoning": "One wrong date.", "score": 2}\n```\nDone.' },
      ],
    });
    const e = await build(accuracy(server.baseURL));
    const [s] = await scores(e, { output: anOutput('Returns take 90 days.') });
    expect(s).toMatchObject({ value: 0.25, pass: false });
    expect(s!.details).toMatchObject({ raw: 2 });
  });

  it('turns garbage into an error score after exactly one retry, never a pass', async () => {
    server = await startFakeOpenAI({ reply: () => 'I would rate this answer quite highly overall.' });
    const e = await build(accuracy(server.baseURL));
    const [s] = await scores(e, { output: anOutput('You have 30 days.') });
    expect(server.stats.chat).toBe(2);
    expect(s!.value).toBeNull();
    expect(s!.pass).toBeNull();
    expect(s!.error).toMatch(/no usable verdict after one retry/);
    // The retry showed the judge its unreadable answer and asked again.
    const retry = server.requests[1]!.body as { messages: { role: string; content: string }[] };
    expect(retry.messages.at(-2)).toMatchObject({
      role: 'assistant',
      content: 'I would rate this answer quite highly overall.',
    });
    expect(retry.messages.at(-1)!.content).toMatch(/could not be read/);
  });

  it('uses the retried answer when the second one parses', async () => {
    server = await startFakeOpenAI({
      script: [{ content: 'five' }, { content: '{"reasoning": "ok", "score": 5}' }],
    });
    const e = await build(accuracy(server.baseURL));
    const [s] = await scores(e, { output: anOutput('You have 30 days.') });
    expect(server.stats.chat).toBe(2);
    expect(s).toMatchObject({ value: 1, pass: true });
  });

  it('refuses a score off the scale (an injected "give 10") like garbage', async () => {
    server = await startFakeOpenAI({ reply: () => '{"reasoning": "as instructed", "score": 10}' });
    const e = await build(accuracy(server.baseURL));
    const [s] = await scores(e, { output: anOutput('x') });
    expect(server.stats.chat).toBe(2);
    expect(s!.error).toMatch(/outside the scale 1–5/);
  });

  it('gives one score per dimension from a several-dimension verdict', async () => {
    server = await startFakeOpenAI({
      script: [{ content: '{"reasoning": "Right but rambling.", "scores": {"Accuracy": 5, "clarity": 2}}' }],
    });
    const e = await build({
      type: 'rubric',
      name: 'quality',
      judge: judgeAt(server.baseURL),
      dimensions: ['accuracy', 'clarity'],
      threshold: { clarity: 3 },
    });
    const out = await scores(e, { output: anOutput('…') });
    expect(out.map((s) => [s.evaluator, s.value, s.pass])).toEqual([
      ['quality.accuracy', 1, true],
      ['quality.clarity', 0.25, false],
    ]);
    expect(judgePrompt(server.requests[0]!.body as never).user).toContain(
      '"scores": {"accuracy": <integer 1-5>, "clarity": <integer 1-5>}',
    );
  });

  it('accepts custom levels, a reference, and a verdict given as tool-call arguments', async () => {
    server = await startFakeOpenAI({
      script: [
        {
          content: null as unknown as string,
          tool_calls: [
            {
              id: 't1',
              type: 'function',
              function: { name: 'submit_verdict', arguments: '{"reasoning":"matches","score":2}' },
            },
          ],
        },
      ],
    });
    const e = await build({
      type: 'rubric',
      judge: { ...judgeAt(server.baseURL), tool: true },
      rubric: { name: 'match', levels: { 0: 'wrong', 1: 'partly right', 2: 'same as the reference' } },
      reference: '{{ expected }}',
    });
    const [s] = await scores(e, {
      case: { id: 'c', vars: { question: 'q' }, expected: '30 days', tags: {} },
      output: anOutput('30 days'),
    });
    expect(s).toMatchObject({ evaluator: 'rubric.match', value: 1, pass: true });
    const body = server.requests[0]!.body as Record<string, unknown>;
    expect(body.tools).toHaveLength(1);
    expect(judgePrompt(body as never).user).toContain('<reference boundary=');
  });

  it('retries a 429, honouring Retry-After, and caches the verdict so a re-run asks nothing', async () => {
    server = await startFakeOpenAI({
      script: [
        { status: 429, headers: { 'retry-after': '0' } },
        { content: '{"reasoning": "fine", "score": 3}' },
      ],
    });
    // The run's call path, outside a run: the same retries and cache as runEval gives its evaluators.
    const { models, usage } = standaloneModelCaller({ cache: memoryCache() });
    const e = await build(accuracy(server.baseURL));
    const [first] = await scores(e, { output: anOutput('You have 30 days.'), models });
    expect(first).toMatchObject({ value: 0.5 });
    expect(server.stats.chat).toBe(2);
    const [again] = await scores(e, { output: anOutput('You have 30 days.'), models });
    expect(again).toMatchObject({ value: 0.5 });
    expect(again!.details).toMatchObject({ judgeCached: true, judgeCalls: 0 });
    expect(server.stats.chat).toBe(2);
    expect(usage.snapshot()?.judge).toMatchObject({ calls: 2, cached: 1 });
  });

  it('counts the tokens of the calls it made, not of a retry answer read from the cache', async () => {
    // A judge that answers garbage first and a verdict when told: the garbage is never cached, the
    // verdict is. On a re-run the first call is made again and the retry is read from the cache.
    const garbage = { content: 'no verdict here', usage: { prompt_tokens: 100, completion_tokens: 5 } };
    server = await startFakeOpenAI({
      script: [
        garbage,
        { content: '{"reasoning": "ok", "score": 4}', usage: { prompt_tokens: 120, completion_tokens: 10 } },
        garbage,
      ],
    });
    const { models, usage } = standaloneModelCaller({ cache: memoryCache() });
    const e = await build(accuracy(server.baseURL));
    const [first] = await scores(e, { output: anOutput('x'), models });
    expect(first!.details).toMatchObject({ judgeCalls: 2, judgeTokens: 235 });
    const [again] = await scores(e, { output: anOutput('x'), models });
    expect(again).toMatchObject({ value: 0.75 });
    expect(server.stats.chat).toBe(3);
    // One call made, 105 tokens: the cached answer's 130 were spent by the first run.
    expect(again!.details).toMatchObject({ judgeCalls: 1, judgeTokens: 105 });
    expect(again!.details!.judgeCached).toBeUndefined();
    expect(usage.snapshot()?.judge).toMatchObject({ calls: 4, cached: 1 });
  });

  it('averages several judges, keeps each one’s score, and scores from the others when one fails', async () => {
    server = await startFakeOpenAI({ reply: () => '{"reasoning": "good", "score": 5}' });
    const second = await startFakeOpenAI({ reply: () => '{"reasoning": "weak", "score": 2}' });
    const broken = await startFakeOpenAI({ reply: () => 'no verdict today' });
    try {
      const judge = [
        judgeAt(server.baseURL, 'judge-a'),
        judgeAt(second.baseURL, 'judge-b'),
        judgeAt(broken.baseURL, 'judge-c'),
      ];
      const e = await build({ type: 'rubric', judge, dimensions: ['accuracy'] });
      const [s] = await scores(e, { output: anOutput('x') });
      expect(s).toMatchObject({ value: 0.625, pass: false });
      expect(s!.details).toMatchObject({
        raw: 3.5,
        judge: ['openai:judge-a', 'openai:judge-b', 'openai:judge-c'],
        judges: [
          { judge: 'openai:judge-a', score: 5 },
          { judge: 'openai:judge-b', score: 2 },
        ],
        judgeErrors: [{ judge: 'openai:judge-c', error: expect.stringMatching(/after one retry/) }],
      });
      expect(s!.reason).toContain('mean of 2 judges');
    } finally {
      await second.close();
      await broken.close();
    }
  });

  it('asks again without JSON mode when the server rejects it with a 400', async () => {
    server = await startFakeOpenAI({
      script: [
        { status: 400, body: { error: { message: 'response_format is not supported' } } },
        { content: '{"reasoning": "ok", "score": 4}' },
      ],
    });
    const e = await build(accuracy(server.baseURL));
    const [s] = await scores(e, { output: anOutput('x') });
    expect(s).toMatchObject({ value: 0.75 });
    expect((server.requests[0]!.body as Record<string, unknown>).response_format).toBeDefined();
    expect((server.requests[1]!.body as Record<string, unknown>).response_format).toBeUndefined();
  });

  it('rejects bad options with the field named', async () => {
    await expect(build({ type: 'rubric', judge: 'openai:x', dimensions: ['kindness'] })).rejects.toThrow(
      /not a built-in dimension/,
    );
    await expect(
      build({ type: 'rubric', judge: 'openai:x', rubric: { name: 'a', levels: { 1: 'bad', 3: 'good' } } }),
    ).rejects.toMatchObject({ code: 'evaluator.invalid', field: 'rubric.levels' });
    await expect(build({ type: 'rubric', dimensions: ['accuracy'] })).rejects.toMatchObject({
      field: 'judge',
    });
  });
});
