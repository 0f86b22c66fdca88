import { isObject, type Place, type Problems } from './problems.js';

/** What a model-graded assertion maps to (see assertions.ts). */
export type Graded = { config: Record<string, unknown>; byPass: boolean; expected?: unknown };

interface GradedAssertion {
  type: string;
  value?: unknown;
  threshold?: number;
  provider?: unknown;
}

/** The RAG checks, run by Assay's evaluators of the same names, which follow promptfoo's method. */
const RAG = ['context-recall', 'context-faithfulness', 'answer-relevance'];

/**
 * Maps promptfoo's model-graded assertions: `llm-rubric` and `model-graded-closedqa` become a rubric
 * criterion, `factuality` Assay's factuality against the reference, and the RAG checks Assay's
 * promptfoo-compatible evaluators with promptfoo's default threshold (0.5).
 */
export function gradedConfig(
  type: string,
  a: GradedAssertion,
  at: Place,
  problems: Problems,
  env: Record<string, string | undefined> = {},
): Graded | undefined {
  const { judge: j } = judgeOf(a.provider, env);
  // promptfoo grades with a model of the target's own family without a word; Assay flags it in the
  // report rather than refuse a suite that runs unchanged in promptfoo.
  const judge = { ...(j === undefined ? {} : { judge: j }), allowSameFamily: true };
  if (RAG.includes(type)) {
    const threshold = a.threshold ?? 0.5;
    if (type === 'context-recall') {
      if (typeof a.value !== 'string' || a.value.trim() === '') {
        problems.add(
          { ...at, field: `${at.field}.value` },
          '"context-recall" needs the ground truth as a string value',
        );
        return undefined;
      }
      return { config: { type, value: a.value, threshold, ...judge }, byPass: false };
    }
    // promptfoo's context-faithfulness asks about the `query` variable and fails a test without one.
    const input = type === 'context-faithfulness' ? { input: '{{ query }}' } : {};
    return { config: { type, ...input, threshold, ...judge }, byPass: false };
  }
  if (type === 'factuality') {
    if (typeof a.value !== 'string') {
      problems.add({ ...at, field: `${at.field}.value` }, '"factuality" needs the reference answer');
      return undefined;
    }
    return { config: { type, groundIn: 'expected', ...judge }, byPass: false, expected: a.value };
  }
  if (a.threshold !== undefined)
    problems.add(
      { ...at, field: `${at.field}.threshold` },
      `a threshold on "${a.type}" is not supported yet`,
    );
  if (typeof a.value !== 'string' || a.value.trim() === '') {
    problems.add({ ...at, field: `${at.field}.value` }, `"${a.type}" needs its rubric as a string value`);
    return undefined;
  }
  const rubric = type === 'model-graded-closedqa' ? `The answer meets this criterion: ${a.value}` : a.value;
  return { config: { type: 'rubric', rubric, ...judge }, byPass: false };
}

/**
 * A grader as promptfoo names it — `openai:gpt-4o`, `{ id }`, or `{ text, embedding }` — as Assay's
 * judge and embedder for one assertion (or, from defaultTest's options, for the suite).
 */
export function judgeOf(
  provider: unknown,
  env: Record<string, string | undefined> = {},
): {
  judge?: unknown;
  embedder?: unknown;
} {
  const text = isObject(provider) && !('id' in provider) ? provider.text : provider;
  const id =
    typeof text === 'string' ? text : isObject(text) && typeof text.id === 'string' ? text.id : undefined;
  const embedding = isObject(provider) ? provider.embedding : undefined;
  const embedId = typeof embedding === 'string' ? embedding : isObject(embedding) ? embedding.id : undefined;
  return {
    ...(id ? { judge: atBase(modelSpec(id), env) } : {}),
    ...(typeof embedId === 'string' ? { embedder: embedderSpec(embedId, env) } : {}),
  };
}

/** `openai:embedding:<model>` as an Assay embedder, at the base URL promptfoo would use. */
export function embedderSpec(id: string, env: Record<string, string | undefined>): unknown {
  return atBase(modelSpec(id).replace(/^openai:embeddings?:/, 'openai:'), env);
}

/** A provider string, with the base URL from the variable promptfoo reads for it when one is set. */
function atBase(provider: string, env: Record<string, string | undefined>): unknown {
  const base = provider.startsWith('openai:')
    ? (env.OPENAI_BASE_URL ?? env.OPENAI_API_BASE_URL)
    : provider.startsWith('anthropic:')
      ? env.ANTHROPIC_BASE_URL
      : undefined;
  return base ? { provider, baseURL: base } : provider;
}

/** `openai:chat:gpt-4o-mini` → `openai:gpt-4o-mini`; `anthropic:messages:m` → `anthropic:m`. */
export function modelSpec(id: string): string {
  return id.replace(/^openai:chat:/, 'openai:').replace(/^anthropic:messages:/, 'anthropic:');
}
