import { embedderSpec } from './graded.js';

/** What an assertion's mapping needs to know of the suite: the tools its providers offer. */
export interface SuiteFacts {
  tools?: unknown[];
  /** Why there are no tools to check calls against, when there are none. */
  toolsProblem?: string;
  /** The environment, for graders' base URLs (OPENAI_BASE_URL, …). */
  env?: Record<string, string | undefined>;
}

/**
 * The tools `is-valid-openai-tools-call` checks calls against: the providers' `config.tools`, which
 * must be the same for every provider that has them (Assay's evaluator belongs to the case, not to
 * one provider).
 */
export function toolsOf(lists: unknown[]): SuiteFacts {
  const given = lists.filter((t) => t !== undefined);
  if (given.length === 0) return { toolsProblem: 'no provider has any' };
  if (given.some((t) => JSON.stringify(t) !== JSON.stringify(given[0])))
    return { toolsProblem: 'the providers offer different tools' };
  if (!Array.isArray(given[0]) || given[0].length === 0)
    return { toolsProblem: 'config.tools is not a list' };
  return { tools: given[0] };
}

/**
 * The embedder of answer-relevance: defaultTest's `options.provider.embedding`, else promptfoo's
 * default (OpenAI's text-embedding-3-large) when a suite uses answer-relevance.
 */
export function embedderOf(given: unknown, evaluators: unknown, env: Record<string, string | undefined>) {
  if (given !== undefined) return { embedder: given };
  if (!JSON.stringify(evaluators).includes('"type":"answer-relevance"')) return {};
  return { embedder: embedderSpec('openai:embedding:text-embedding-3-large', env) };
}
