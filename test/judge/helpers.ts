import type { Case } from '../../src/core/case.js';
import type { Output } from '../../src/core/output.js';
import type { ResultRecord } from '../../src/core/run.js';
import type { Evaluator, EvaluatorInput, Score } from '../../src/core/score.js';
import type { EvaluatorContext, JudgeContext } from '../../src/evaluators/factory.js';
import { createEvaluator } from '../../src/evaluators/registry.js';
import type { ResponseCache } from '../../src/runner/call-target.js';
import { runEval } from '../../src/runner/run-eval.js';
import { createFunctionTarget } from '../../src/targets/function-target.js';
import type { ChatBody } from '../fake-openai-server.js';

/** The judge's view of a request: system and user text, and the boundary the prompt announced. */
export function judgePrompt(body: ChatBody): { system: string; user: string; boundary: string } {
  const messages = body.messages ?? [];
  const system = messages.find((m) => m.role === 'system')?.content ?? '';
  const user = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const boundary = /boundary "([0-9a-f]+)"/.exec(system)?.[1] ?? '';
  return { system, user, boundary };
}

/** The JSON-string content of a delimited block (`<tag … boundary="b">"…"</tag boundary="b">`). */
export function blockContent(user: string, tag: string, boundary: string, attrs = ''): string | undefined {
  const open = `<${tag}${attrs ? ` ${attrs}` : ''} boundary="${boundary}">\n`;
  const start = user.indexOf(open);
  if (start < 0) return undefined;
  const end = user.indexOf(`\n</${tag} boundary="${boundary}">`, start);
  return JSON.parse(user.slice(start + open.length, end)) as string;
}

export function memoryCache(): ResponseCache & { map: Map<string, unknown> } {
  const map = new Map<string, unknown>();
  return { map, get: async (k) => map.get(k), set: async (k, v) => void map.set(k, v) };
}

export function context(judge: JudgeContext = {}): EvaluatorContext {
  return { baseDir: process.cwd(), loadModule: async () => ({}), env: {}, judge };
}

export function judgeAt(baseURL: string, model = 'fake-judge') {
  return { provider: `openai:${model}`, baseURL, apiKey: 'sk-test' };
}

export async function build(config: Record<string, unknown>, judge: JudgeContext = {}): Promise<Evaluator> {
  return createEvaluator(config, context(judge));
}

export function aCase(overrides: Partial<Case> = {}): Case {
  return {
    id: 'c1',
    vars: { question: 'How many days do I have to return an item?' },
    tags: {},
    ...overrides,
  };
}

export function anOutput(text: string, extra: Partial<Output> = {}): Output {
  return { text, latencyMs: 1, ...extra };
}

export async function scores(
  e: Evaluator,
  input: Partial<EvaluatorInput> & { output: Output },
): Promise<Score[]> {
  const r = await e.evaluate({ case: aCase(), target: 'bot', ...input });
  return Array.isArray(r) ? r : [r];
}

/** Runs cases through function targets (id → answer) and judge evaluators; returns every result. */
export async function runJudged(
  evaluators: Record<string, unknown>[],
  answers: Record<string, (c: Case) => string>,
  cases: Case[],
  judge: JudgeContext = {},
): Promise<ResultRecord[]> {
  const targets = Object.entries(answers).map(([id, fn]) =>
    createFunctionTarget({ id, fn: async (c: Case) => fn(c) }),
  );
  const ctx = context({ targets: targets.map((t) => ({ id: t.id })), ...judge });
  const built = await Promise.all(evaluators.map((config) => createEvaluator(config, ctx)));
  const results: ResultRecord[] = [];
  await runEval(
    { runId: 'r1', dataset: { name: 'd', version: 'v', cases }, targets, evaluators: built, concurrency: 4 },
    { sink: { write: async (rs) => void results.push(...rs) } },
  );
  return results;
}
