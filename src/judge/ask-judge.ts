import { errorMessage, isAssayError } from '../core/errors.js';
import type { ChatMessage, GenerateRequest, GenerateResponse } from '../core/provider.js';
import { backoffMs, DEFAULT_RETRY, isRetryable, type RetryPolicy, sleep } from '../providers/retry.js';
import { contentHash } from '../util/hash.js';
import type { Judge } from './judge-spec.js';
import type { CachedJudgeAnswer, JudgeCache } from './services.js';
import { parseVerdict, type VerdictCheck } from './verdict.js';

export interface JudgeRequest<T> {
  judge: Judge;
  messages: ChatMessage[];
  check: VerdictCheck<T>;
  cache?: JudgeCache;
  signal?: AbortSignal;
  retry?: RetryPolicy;
}

export type JudgeAnswer<T> =
  | { ok: true; verdict: T; text: string; calls: number; cached: boolean; tokens: number }
  | { ok: false; error: string; calls: number; text?: string; tokens: number };

const TOOL_NAME = 'submit_verdict';

function toolsFor(judge: Judge): Pick<GenerateRequest, 'tools'> & { params?: Record<string, unknown> } {
  if (!judge.tool) return {};
  const description = 'Submit your verdict as the JSON object described in the instructions.';
  const parameters = { type: 'object', additionalProperties: true };
  if (judge.provider.family === 'anthropic') {
    return {
      tools: [{ name: TOOL_NAME, description, input_schema: parameters }],
      params: { tool_choice: { type: 'tool', name: TOOL_NAME } },
    };
  }
  return {
    tools: [{ type: 'function', function: { name: TOOL_NAME, description, parameters } }],
    params: { tool_choice: { type: 'function', function: { name: TOOL_NAME } } },
  };
}

/**
 * Asks a judge and parses its verdict. Calls that fail in a way a retry may cure (429, 5xx, resets,
 * timeouts) are retried with backoff, honouring Retry-After. An answer that cannot be parsed is sent
 * back once with the parse error; if the second answer cannot be parsed either, the result is an
 * error — which the evaluators turn into an error score, never a pass. Parsed answers are cached
 * under the request's content, so a re-run asks nothing it has asked before.
 */
export async function askJudge<T>(req: JudgeRequest<T>): Promise<JudgeAnswer<T>> {
  const { judge, check } = req;
  const tools = toolsFor(judge);
  const request: GenerateRequest = {
    messages: req.messages,
    params: { ...judge.params, ...tools.params },
    json: judge.json && !judge.tool,
    ...(tools.tools ? { tools: tools.tools } : {}),
  };
  const key = `judge:${contentHash({ scope: judge.cacheScope, request })}`;
  if (req.cache) {
    const hit = await req.cache.get(key);
    if (hit) {
      const parsed = parseVerdict(hit, check);
      if (parsed.ok)
        return { ok: true, verdict: parsed.value, text: hit.text, calls: 0, cached: true, tokens: 0 };
    }
  }
  let calls = 0;
  let tokens = 0;
  const ask = async (r: GenerateRequest): Promise<GenerateResponse | { error: string }> => {
    calls++;
    try {
      const res = await generateWithRetry(judge, r, req.retry ?? DEFAULT_RETRY, req.signal);
      tokens += (res.usage?.inputTokens ?? 0) + (res.usage?.outputTokens ?? 0);
      return res;
    } catch (error) {
      return { error: `judge ${judge.id} failed: ${errorMessage(error)}` };
    }
  };
  const first = await ask(request);
  if ('error' in first) return { ok: false, error: first.error, calls, tokens };
  let parsed = parseVerdict(first, check);
  let answer = first;
  if (!parsed.ok) {
    const said = first.text || JSON.stringify(first.toolCalls?.map((t) => t.arguments) ?? []);
    const second = await ask({
      ...request,
      messages: [
        ...request.messages,
        { role: 'assistant', content: said },
        {
          role: 'user',
          content: `Your answer could not be read: ${parsed.error}. Reply again with exactly one JSON object in the format asked for, and nothing else.`,
        },
      ],
    });
    if ('error' in second) return { ok: false, error: second.error, calls, text: first.text, tokens };
    parsed = parseVerdict(second, check);
    answer = second;
    if (!parsed.ok) {
      return {
        ok: false,
        error: `judge ${judge.id} gave no usable verdict after one retry: ${parsed.error}`,
        calls,
        text: second.text,
        tokens,
      };
    }
  }
  if (req.cache) {
    const cached: CachedJudgeAnswer = {
      text: answer.text,
      ...(answer.toolCalls ? { toolCalls: answer.toolCalls } : {}),
    };
    await req.cache.set(key, cached);
  }
  return { ok: true, verdict: parsed.value, text: answer.text, calls, cached: false, tokens };
}

async function generateWithRetry(
  judge: Judge,
  request: GenerateRequest,
  policy: RetryPolicy,
  signal?: AbortSignal,
): Promise<GenerateResponse> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await judge.provider.generate(request, signal ? { signal } : {});
    } catch (error) {
      // Some OpenAI-compatible servers reject JSON mode with a 400: ask without it from then on.
      const status = isAssayError(error) ? error.status : undefined;
      if (request.json && (status === 400 || status === 422)) {
        judge.json = false;
        request = { ...request, json: false };
        continue;
      }
      if (signal?.aborted || !isRetryable(error) || attempt >= policy.retries) throw error;
      await sleep(backoffMs(attempt + 1, policy, error), signal);
    }
  }
}
