import { describe, expect, it } from 'vitest';
import type { Case } from '../core/case.js';
import { AssayError } from '../core/errors.js';
import type { GenerateRequest, Provider } from '../core/provider.js';
import type { ResultRecord } from '../core/run.js';
import type { Evaluator } from '../core/score.js';
import { createFunctionTarget } from '../targets/function-target.js';
import { createPromptTarget } from '../targets/prompt-target.js';
import type { CachedAnswer } from './call-target.js';
import { type Progress, type ResponseCache, runEval } from './run-eval.js';

const cases: Case[] = Array.from({ length: 6 }, (_, i) => ({
  id: `c${i}`,
  vars: { question: `q${i}` },
  expected: `q${i}`,
  tags: { parity: i % 2 ? 'odd' : 'even' },
}));
const dataset = { name: 'd', version: 'v1', cases };

const echo = createFunctionTarget({ id: 'echo', fn: (c) => `answer to ${String(c.vars.question)}` });

const mentions: Evaluator = {
  name: 'mentions',
  evaluate: ({ case: c, output }) => {
    const pass = output.text.includes(String(c.expected));
    return { evaluator: 'mentions', value: pass ? 1 : 0, pass };
  },
};

/** A sink that records what was committed, in order. */
function recordingSink() {
  const written: ResultRecord[] = [];
  return { written, sink: { write: async (rs: ResultRecord[]) => void written.push(...rs) } };
}

/** A Provider (our port, not an SDK) that answers from a function and counts its calls. */
function countingProvider(answer = (req: GenerateRequest) => `A: ${req.messages.at(-1)!.content}`) {
  const calls: GenerateRequest[] = [];
  const provider: Provider = {
    id: 'fake:model',
    family: 'fake',
    model: 'model',
    async generate(req) {
      calls.push(req);
      return { text: answer(req), usage: { inputTokens: 3, outputTokens: 2 } };
    },
  };
  return { provider, calls };
}

function memoryCache(): ResponseCache & { map: Map<string, CachedAnswer> } {
  const map = new Map<string, CachedAnswer>();
  return { map, get: async (k) => map.get(k), set: async (k, v) => void map.set(k, v as CachedAnswer) };
}

describe('runEval', () => {
  it('scores every case × target, streams results to the sink, and summarises them', async () => {
    const { written, sink } = recordingSink();
    const outcome = await runEval(
      { runId: 'r1', dataset, targets: [echo], evaluators: [mentions] },
      { sink },
    );
    expect(outcome.status).toBe('completed');
    expect(outcome.summary).toMatchObject({ total: 6, passed: 6, failed: 0, errors: 0 });
    expect(outcome.summary.byTag.parity!.odd!.total).toBe(3);
    expect(written.map((r) => r.caseId).sort()).toEqual(cases.map((c) => c.id));
    expect(written[0]).toMatchObject({ runId: 'r1', target: 'echo', repeat: 0, pass: true });
    expect(written[0]!.scores).toEqual([{ evaluator: 'mentions', value: 1, pass: true }]);
  });

  it('an evaluator that throws gives an error score: the result fails and counts as an error', async () => {
    const throws: Evaluator = {
      name: 'flaky-judge',
      evaluate: () => {
        throw new AssayError('evaluator.failed', 'judge answered nonsense');
      },
    };
    const { written, sink } = recordingSink();
    const outcome = await runEval(
      {
        runId: 'r',
        dataset: { ...dataset, cases: cases.slice(0, 2) },
        targets: [echo],
        evaluators: [mentions, throws],
      },
      { sink },
    );
    expect(outcome.summary).toMatchObject({ total: 2, passed: 0, failed: 0, errors: 2 });
    expect(outcome.summary.byEvaluator['flaky-judge']).toMatchObject({
      count: 2,
      errors: 2,
      meanScore: null,
    });
    const r = written[0]!;
    expect(r.pass).toBe(false);
    expect(r.error).toBe('evaluator flaky-judge: judge answered nonsense');
    expect(r.output?.text).toMatch(/^answer to/);
    expect(r.scores).toEqual([
      { evaluator: 'mentions', value: 1, pass: true },
      {
        evaluator: 'flaky-judge',
        value: null,
        pass: null,
        error: 'judge answered nonsense',
        reason: 'judge answered nonsense',
      },
    ]);
  });

  it('a score outside 0..1 is an evaluator bug, reported as an error, never a number', async () => {
    const wrong: Evaluator = {
      name: 'stars',
      evaluate: () => ({ evaluator: 'stars', value: 4, pass: true }),
    };
    const { written, sink } = recordingSink();
    await runEval(
      { runId: 'r', dataset: { ...dataset, cases: cases.slice(0, 1) }, targets: [echo], evaluators: [wrong] },
      { sink },
    );
    expect(written[0]!.scores[0]).toMatchObject({
      value: null,
      pass: null,
      error: 'score 4 is outside 0..1',
    });
    expect(written[0]!.pass).toBe(false);
  });

  it('a null score without an error (cost unknown) does not fail the result', async () => {
    const unknown: Evaluator = {
      name: 'cost',
      evaluate: () => ({ evaluator: 'cost', value: null, pass: null }),
    };
    const outcome = await runEval(
      {
        runId: 'r',
        dataset: { ...dataset, cases: cases.slice(0, 1) },
        targets: [echo],
        evaluators: [unknown],
      },
      {},
    );
    expect(outcome.summary).toMatchObject({ passed: 1, errors: 0 });
  });

  it('a target that throws is an error result; the run goes on', async () => {
    const sometimes = createFunctionTarget({
      id: 'app',
      fn: (c) => {
        if (c.id === 'c2') throw new Error('database is down');
        return String(c.vars.question);
      },
    });
    const { written, sink } = recordingSink();
    const outcome = await runEval(
      { runId: 'r', dataset, targets: [sometimes], evaluators: [mentions], retries: 0 },
      { sink },
    );
    expect(outcome.status).toBe('completed');
    expect(outcome.summary).toMatchObject({ total: 6, passed: 5, errors: 1 });
    const failed = written.find((r) => r.caseId === 'c2')!;
    expect(failed).toMatchObject({ output: null, pass: false, scores: [] });
    expect(failed.error).toMatch(/threw: database is down/);
  });

  it('results are counted only once the sink has made them durable', async () => {
    const committed: string[] = [];
    const seen: { id: string; committedWhenSeen: boolean; progress: Progress }[] = [];
    await runEval(
      { runId: 'r', dataset, targets: [echo], evaluators: [], concurrency: 2 },
      {
        sink: {
          write: async (rs) => {
            await new Promise((r) => setTimeout(r, 5));
            committed.push(...rs.map((r) => r.caseId));
          },
        },
        observers: [
          {
            onResult: (r, progress) =>
              seen.push({ id: r.caseId, committedWhenSeen: committed.includes(r.caseId), progress }),
          },
        ],
      },
    );
    expect(seen).toHaveLength(6);
    expect(seen.every((s) => s.committedWhenSeen)).toBe(true);
    expect(seen.map((s) => s.progress.done)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('resuming: completed results are kept and counted, their cases not called again', async () => {
    const { provider, calls } = countingProvider();
    const target = createPromptTarget({ id: 'm', provider, prompt: '{{ question }}' });
    const first = recordingSink();
    await runEval(
      {
        runId: 'r',
        dataset: { ...dataset, cases: cases.slice(0, 3) },
        targets: [target],
        evaluators: [mentions],
      },
      { sink: first.sink },
    );
    expect(calls).toHaveLength(3);

    const second = recordingSink();
    const outcome = await runEval(
      { runId: 'r', dataset, targets: [target], evaluators: [mentions] },
      { sink: second.sink, completed: first.written },
    );
    expect(calls).toHaveLength(6);
    expect(
      calls
        .slice(3)
        .map((c) => c.messages[0]!.content)
        .sort(),
    ).toEqual(['q3', 'q4', 'q5']);
    expect(second.written.map((r) => r.caseId).sort()).toEqual(['c3', 'c4', 'c5']);
    expect(outcome.summary.total).toBe(6);
  });

  it('the cache answers a repeated call; repeats after the first always call', async () => {
    const { provider, calls } = countingProvider();
    const target = createPromptTarget({
      id: 'm',
      provider,
      prompt: '{{ question }}',
      params: { temperature: 0 },
    });
    const cache = memoryCache();
    const spec = { runId: 'r', dataset, targets: [target], evaluators: [mentions] };
    await runEval(spec, { cache });
    expect(calls).toHaveLength(6);
    expect(cache.map.size).toBe(6);
    const again = recordingSink();
    const outcome = await runEval({ ...spec, runId: 'r2' }, { cache, sink: again.sink });
    expect(calls).toHaveLength(6);
    expect(outcome.summary.cached).toBe(6);
    expect(again.written.every((r) => r.output?.cached === true)).toBe(true);
    // Latency and tokens as first measured.
    expect(again.written[0]!.tokens).toEqual({ input: 3, output: 2 });

    await runEval({ ...spec, runId: 'r3', cache: false }, { cache });
    expect(calls).toHaveLength(12);
    await runEval({ ...spec, runId: 'r4', repeat: 2 }, { cache });
    expect(calls).toHaveLength(18);
  });

  it('stopping the run: calls in flight are cancelled and not stored; the run is interrupted', async () => {
    const controller = new AbortController();
    const slow = createFunctionTarget({
      id: 'slow',
      fn: (c, { signal }) =>
        new Promise((resolve, reject) => {
          if (c.id === 'c0') return resolve('fast');
          const t = setTimeout(() => resolve('late'), 10_000);
          signal.addEventListener('abort', () => {
            clearTimeout(t);
            reject(new AssayError('run.aborted', 'aborted'));
          });
        }),
    });
    const { written, sink } = recordingSink();
    const run = runEval(
      { runId: 'r', dataset, targets: [slow], evaluators: [], concurrency: 3 },
      { sink, signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 50);
    const outcome = await run;
    expect(outcome.status).toBe('interrupted');
    expect(written.map((r) => r.caseId)).toEqual(['c0']);
  });

  it('a signal aborted before the run starts: no call is made, the run is interrupted', async () => {
    // `assay eval --workers` stopped with Ctrl-C closes the run with an already-aborted signal:
    // the work the workers have not done must stay queued, not be run by the coordinator.
    let calls = 0;
    const counted = createFunctionTarget({ id: 'counted', fn: () => `call ${++calls}` });
    const controller = new AbortController();
    controller.abort();
    const { written, sink } = recordingSink();
    const outcome = await runEval(
      { runId: 'r', dataset, targets: [counted], evaluators: [] },
      { sink, signal: controller.signal },
    );
    expect(outcome.status).toBe('interrupted');
    expect(calls).toBe(0);
    expect(written).toEqual([]);
  });

  it('a target that cannot be reached aborts the run, with no result written', async () => {
    const unreachable = createFunctionTarget({
      id: 'down',
      fn: () => {
        throw new AssayError('provider.network', 'cannot reach http://127.0.0.1:1: ECONNREFUSED', {
          retryable: false,
        });
      },
    });
    const { written, sink } = recordingSink();
    const outcome = await runEval({ runId: 'r', dataset, targets: [unreachable], evaluators: [] }, { sink });
    expect(outcome.status).toBe('aborted');
    expect(outcome.error).toMatch(/target "down" is unreachable: .*ECONNREFUSED/);
    expect(written).toEqual([]);
  });

  it('checks the gates against the summary', async () => {
    const outcome = await runEval(
      {
        runId: 'r',
        dataset,
        targets: [echo],
        evaluators: [mentions],
        gates: { passRate: 0.9, tags: { 'parity=odd': 1 } },
      },
      {},
    );
    expect(outcome.summary.gates?.map((g) => g.pass)).toEqual([true, true]);
  });
});
