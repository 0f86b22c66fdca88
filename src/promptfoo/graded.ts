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
 * Maps promptfoo's model-graded assertions onto Assay's evaluators that grade as promptfoo does (its
 * prompts, its reading of the answers): `llm-rubric` (with its `threshold`), `model-graded-closedqa`,
 * `factuality` as `model-graded-factuality`, and the RAG checks with promptfoo's default threshold (0.5).
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
  if (typeof a.value !== 'string' || a.value.trim() === '') {
    const what =
      type === 'factuality'
        ? 'the reference answer'
        : `its ${type === 'llm-rubric' ? 'rubric' : 'criterion'}`;
    problems.add({ ...at, field: `${at.field}.value` }, `"${a.type}" needs ${what} as a string value`);
    return undefined;
  }
  if (type === 'factuality')
    return {
      config: { type: 'model-graded-factuality', value: a.value, ...judge },
      byPass: false,
      expected: a.value,
    };
  if (type === 'model-graded-closedqa') return { config: { type, value: a.value, ...judge }, byPass: false };
  // llm-rubric: promptfoo passes at a threshold only when the grader also said pass.
  const threshold = a.threshold === undefined ? {} : { threshold: a.threshold };
  return { config: { type, value: a.value, ...threshold, ...judge }, byPass: false };
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
