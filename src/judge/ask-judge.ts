import { errorMessage, isAssayError } from '../core/errors.js';
import { directModelCaller, type ModelAnswer, type ModelCaller } from '../core/model-call.js';
import type { ChatMessage, GenerateRequest, GenerateResponse } from '../core/provider.js';
import { contentHash } from '../util/hash.js';
import type { Judge } from './judge-spec.js';
import { parseVerdict, type VerdictCheck } from './verdict.js';

export interface JudgeRequest<T> {
  judge: Judge;
  messages: ChatMessage[];
  check: VerdictCheck<T>;
  /** The run's model-call path (pools, retries, cache, counts); without one, the judge is called directly. */
  models?: ModelCaller;
  signal?: AbortSignal;
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
 * Asks a judge and parses its verdict. The call takes the run's model-call path: retries of what a
 * retry may cure (429, 5xx, resets, timeouts, honouring Retry-After), the endpoint's pool, and the
 * run's cache, which keeps only answers whose verdict could be read, so a re-run asks nothing it
 * has asked before. An answer that cannot be parsed is sent back once with the parse error; if the
 * second cannot be parsed either, the result is an error — which the evaluators turn into an error
 * score, never a pass.
 */
export async function askJudge<T>(req: JudgeRequest<T>): Promise<JudgeAnswer<T>> {
  const { judge, check } = req;
  const models = req.models ?? directModelCaller;
  const tools = toolsFor(judge);
  const request: GenerateRequest = {
    messages: req.messages,
    params: { ...judge.params, ...tools.params },
    json: judge.json && !judge.tool,
    ...(tools.tools ? { tools: tools.tools } : {}),
  };
  // Calls made and their tokens; an answer read from the cache made no call and spent nothing now.
  let calls = 0;
  let tokens = 0;
  const ask = async (r: GenerateRequest): Promise<ModelAnswer | { error: string }> => {
    try {
      const res = await generate(models, judge, r, (answer) => parseVerdict(answer, check).ok, req.signal);
      if (!res.cached) {
        calls++;
        tokens += (res.usage?.inputTokens ?? 0) + (res.usage?.outputTokens ?? 0);
      }
      return res;
    } catch (error) {
      calls++;
      return { error: `judge ${judge.id} failed: ${errorMessage(error)}` };
    }
  };
  const first = await ask(request);
  if ('error' in first) return { ok: false, error: first.error, calls, tokens };
  let parsed = parseVerdict(first, check);
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
    if (!parsed.ok) {
      return {
        ok: false,
        error: `judge ${judge.id} gave no usable verdict after one retry: ${parsed.error}`,
        calls,
        text: second.text,
        tokens,
      };
    }
    return { ok: true, verdict: parsed.value, text: second.text, calls, cached: false, tokens };
  }
  return { ok: true, verdict: parsed.value, text: first.text, calls, cached: first.cached === true, tokens };
}

/**
 * Asks a judge for free text (promptfoo's RAG graders answer in prose, read by their own rules),
 * through the same call path as `askJudge`: pools, retries, the run's cache. An empty answer is an
 * error, as promptfoo has it.
 */
export async function askJudgeText(
  req: Omit<JudgeRequest<never>, 'check'> & { sample?: number },
): Promise<JudgeAnswer<string>> {
  const { judge } = req;
  const request: GenerateRequest = { messages: req.messages, params: { ...judge.params } };
  try {
    // Samples of the same question (answer-relevance asks three times) are cached apart.
    const res = await generate(
      req.models ?? directModelCaller,
      judge,
      request,
      (a) => a.text !== '',
      req.signal,
      req.sample,
    );
    const tokens = res.cached ? 0 : (res.usage?.inputTokens ?? 0) + (res.usage?.outputTokens ?? 0);
    const calls = res.cached ? 0 : 1;
    if (res.text.trim() === '')
      return { ok: false, error: `judge ${judge.id} gave an empty answer`, calls, tokens };
    return { ok: true, verdict: res.text, text: res.text, calls, cached: res.cached === true, tokens };
  } catch (error) {
    return { ok: false, error: `judge ${judge.id} failed: ${errorMessage(error)}`, calls: 1, tokens: 0 };
  }
}

/**
 * One judge request through the run's call path. Some OpenAI-compatible servers reject JSON mode
 * with a 400: the request is then made again without it (the judge itself is left as configured;
 * set `json: false` on it to skip the first try).
 */
async function generate(
  models: ModelCaller,
  judge: Judge,
  request: GenerateRequest,
  cacheIf: (answer: GenerateResponse) => boolean,
  signal?: AbortSignal,
  sample?: number,
): Promise<ModelAnswer> {
  const call = (r: GenerateRequest) =>
    models.callModel(judge.provider, r, {
      role: 'judge',
      cacheKey: contentHash({ scope: judge.cacheScope, request: r, ...(sample ? { sample } : {}) }),
      cacheIf,
      ...(signal ? { signal } : {}),
    });
  try {
    return await call(request);
  } catch (error) {
    const status = isAssayError(error) ? error.status : undefined;
    if (request.json && (status === 400 || status === 422)) return call({ ...request, json: false });
    throw error;
  }
}
