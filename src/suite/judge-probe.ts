import { AssayError, errorMessage } from '../core/errors.js';
import { request } from '../providers/http-client.js';

/** How long a judge server has to answer the probe. */
export const JUDGE_PROBE_TIMEOUT_MS = 5_000;

interface JudgeEndpoint {
  baseURL: string;
  /** The evaluators that use it, for the message. */
  evaluators: string[];
}

/**
 * The judge servers a suite names by `baseURL` (a local llama.cpp, vLLM, Ollama…), with the
 * evaluators that use each: from every evaluator's `judge` (nested ones included) and the suite's
 * top-level `judge`.
 */
export function judgeEndpoints(config: {
  evaluators?: readonly unknown[];
  judge?: unknown;
}): JudgeEndpoint[] {
  const byUrl = new Map<string, Set<string>>();
  const add = (judge: unknown, evaluator: string) => {
    for (const j of Array.isArray(judge) ? judge : [judge]) {
      const url = (j as { baseURL?: unknown } | undefined)?.baseURL;
      if (typeof url !== 'string' || url === '') continue;
      const users = byUrl.get(url) ?? new Set();
      users.add(evaluator);
      byUrl.set(url, users);
    }
  };
  const walk = (evaluators: readonly unknown[] | undefined) => {
    for (const e of evaluators ?? []) {
      if (e === null || typeof e !== 'object') continue;
      const { type, name, judge, evaluators: inner } = e as Record<string, unknown>;
      const label = String(name ?? type ?? 'evaluator');
      if (judge !== undefined) add(judge, label);
      else if (JUDGED.has(String(type)) && config.judge !== undefined) add(config.judge, label);
      if (Array.isArray(inner)) walk(inner);
    }
  };
  walk(config.evaluators);
  return [...byUrl].map(([baseURL, users]) => ({ baseURL, evaluators: [...users] }));
}

/** Evaluator types that call a judge (and so use the suite's `judge` when they name none). */
const JUDGED = new Set(['rubric', 'factuality', 'pairwise']);

/**
 * Asks each judge server named by `baseURL` for `/models` before the run: any HTTP answer will do
 * (even 401 or 404: something is listening). A server that does not answer fails the run at once,
 * saying what it needs, instead of a run of retries whose every score is an error.
 */
export async function probeJudges(
  config: { evaluators?: readonly unknown[]; judge?: unknown },
  timeoutMs = JUDGE_PROBE_TIMEOUT_MS,
): Promise<void> {
  await Promise.all(
    judgeEndpoints(config).map(async ({ baseURL, evaluators }) => {
      try {
        await request({ url: `${baseURL.replace(/\/+$/, '')}/models`, method: 'GET', timeoutMs });
      } catch (error) {
        const why = errorMessage(error).replace(/^cannot reach \S+: /, '');
        throw new AssayError(
          'provider.network',
          `no judge answers at ${baseURL} (${why}): ${evaluators.join(', ')} ${evaluators.length === 1 ? 'needs' : 'need'} an OpenAI-compatible judge server there (llama.cpp, vLLM, Ollama, LM Studio or OpenAI itself); start one or point the judge's baseURL at one`,
          { cause: error },
        );
      }
    }),
  );
}
