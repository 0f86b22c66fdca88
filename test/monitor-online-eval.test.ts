import { afterEach, describe, expect, it } from 'vitest';
import { JudgeBudget } from '../src/monitor/budget.js';
import { createOnlineEvaluators, scoreSampled } from '../src/monitor/online-eval.js';
import type { MonitoredTrace } from '../src/monitor/traffic.js';
import { standaloneModelCaller } from '../src/runner/call-model.js';
import { type FakeOpenAI, startFakeOpenAI } from './fake-openai-server.js';

let server: FakeOpenAI | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const ctx = { baseDir: process.cwd(), loadModule: async () => ({}), env: {} };
const T0 = Date.parse('2026-11-20T10:00:00Z');

const traces = (n: number): MonitoredTrace[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `t${i}`,
    timestamp: T0,
    input: `How many days do I have to return item ${i}?`,
    output: i % 10 === 0 ? 'I cannot help with that.' : 'You have 30 days to return it.',
    latencyMs: 300,
  }));

async function evaluators(baseURL: string) {
  return createOnlineEvaluators(
    [
      { type: 'contains', value: '30 days' },
      {
        type: 'rubric',
        judge: { provider: 'openai:fake-judge', baseURL, apiKey: 'sk-test' },
        dimensions: ['accuracy'],
      },
    ],
    ctx,
  );
}

describe('online evaluators under a judge budget', () => {
  it('1,000 sampled traces with judgeCallsPerHour 100: at most 100 judge calls in the hour, the rest deferred, not dropped', async () => {
    server = await startFakeOpenAI({ reply: () => '{"reasoning": "fine", "score": 4}' });
    const online = await evaluators(server.baseURL);
    expect(online.map((e) => e.judge)).toEqual([false, true]);
    const budget = new JudgeBudget({ judgeCallsPerHour: 100 });
    const { models } = standaloneModelCaller({ retries: 0 });
    let now = T0;
    const all = traces(1000);
    const first = await scoreSampled(all, online, { budget, models, now: () => now });
    expect(server.stats.chat).toBe(100);
    expect(first.judgeCalls).toBe(100);
    expect(first.deferred).toHaveLength(900);
    // Every trace got its deterministic score; only the judged ones a rubric score.
    expect(first.scored).toHaveLength(1000);
    expect(first.scored[0]!.scores.map((s) => s.evaluator)).toEqual(['contains', 'rubric.accuracy']);
    expect(first.scored[999]!.scores.map((s) => s.evaluator)).toEqual(['contains']);
    expect(first.scored[1]!.scores[1]).toMatchObject({ value: 0.75, pass: true });
    // An hour later the deferred traces are next: 100 more, and nothing is lost.
    now += 3_600_001;
    const deferred = new Set(first.deferred);
    const second = await scoreSampled(
      all.filter((t) => deferred.has(t.id)),
      online,
      { budget, models, now: () => now },
    );
    expect(server.stats.chat).toBe(200);
    expect(second.deferred).toHaveLength(800);
    expect(
      new Set([
        ...second.deferred,
        ...second.scored.filter((s) => s.scores.length === 2).map((s) => s.traceId),
      ]).size,
    ).toBe(900);
  });

  it('a dollar budget stops judging once the day’s spend is reached', async () => {
    // 1M input + 1M output tokens a call at gpt-4o-mini prices: $0.75 a call.
    server = await startFakeOpenAI({
      reply: () => ({
        content: '{"reasoning": "ok", "score": 5}',
        usage: { prompt_tokens: 1_000_000, completion_tokens: 1_000_000 },
      }),
    });
    const online = await createOnlineEvaluators(
      [
        {
          type: 'rubric',
          judge: { provider: 'openai:gpt-4o-mini', baseURL: server.baseURL, apiKey: 'sk-test' },
          dimensions: ['accuracy'],
        },
      ],
      ctx,
    );
    const budget = new JudgeBudget({ usdPerDay: 2 });
    const r = await scoreSampled(traces(10), online, {
      budget,
      models: standaloneModelCaller({ retries: 0 }).models,
      now: () => T0,
    });
    expect(server.stats.chat).toBe(3);
    expect(budget.spentUsd(T0)).toBeCloseTo(2.25);
    expect(r.deferred).toHaveLength(7);
  });

  it('counts the judge calls of the pass, also when earlier calls leave the sliding hour meanwhile', async () => {
    server = await startFakeOpenAI({ reply: () => '{"reasoning": "fine", "score": 4}' });
    const online = await evaluators(server.baseURL);
    // 50 calls made just under an hour before the pass: they leave the hour once the pass has begun.
    const budget = new JudgeBudget(
      { judgeCallsPerHour: 100 },
      { calls: Array.from({ length: 50 }, () => T0 - 3_600_000 + 1), spend: [] },
    );
    let now = T0;
    const r = await scoreSampled(traces(3), online, {
      budget,
      models: standaloneModelCaller({ retries: 0 }).models,
      now: () => now++,
    });
    expect(server.stats.chat).toBe(3);
    expect(r.deferred).toEqual([]);
    expect(r.judgeCalls).toBe(3);
  });
});
