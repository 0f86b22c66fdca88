import type { Case } from '../core/case.js';
import { templateScope } from '../core/case.js';
import { AssayError } from '../core/errors.js';
import type { PlannedCall, Target, TargetCallOptions } from '../core/target.js';
import { request, statusError } from '../providers/http-client.js';
import { compileDeep, compileTemplate } from '../templates/render.js';
import { getPath } from '../util/json-path.js';
import { normalizeAppOutput, normalizeContexts, normalizeToolCalls } from './normalize-output.js';

export interface HttpTargetOptions {
  id: string;
  url: string;
  method?: string;
  headers?: Record<string, string>;
  /** A JSON body whose strings are templates; `{{ messages }}` gives the conversation in scenarios. */
  body?: unknown;
  /** Dot path to the answer in the JSON response; without it, the whole body (or its `output`). */
  output?: string;
  contexts?: string;
  toolCalls?: string;
  timeoutMs?: number;
  maxConcurrency?: number;
}

const SECRET_HEADER = /authorization|api[-_]?key|token|secret|cookie/i;

/** Your own service as the target: a JSON request built from the case, the answer read by a path. */
export function createHttpTarget(options: HttpTargetOptions): Target {
  const url = compileTemplate(options.url, 'url');
  const body = options.body === undefined ? undefined : compileDeep(options.body, 'body');
  const headers = Object.entries(options.headers ?? {}).map(
    ([k, v]) => [k, compileTemplate(v, `headers.${k}`)] as const,
  );
  const method = options.method ?? 'POST';

  return {
    id: options.id,
    pool: `http:${new URL(options.url.replace(/\{\{.*?\}\}/g, 'x'), 'http://localhost').host}`,
    ...(options.maxConcurrency ? { maxConcurrency: options.maxConcurrency } : {}),
    describe: () => ({
      id: options.id,
      provider: 'http',
      url: options.url,
      method,
      headers: Object.keys(options.headers ?? {}).filter((h) => !SECRET_HEADER.test(h)),
      output: options.output,
    }),
    plan(c: Case, callOptions: TargetCallOptions = {}): PlannedCall {
      const scope = { ...templateScope(c), messages: callOptions.messages ?? [] };
      const payload = body
        ? body(scope)
        : callOptions.messages
          ? { messages: callOptions.messages }
          : undefined;
      const target = url(scope);
      return {
        prompt: payload,
        async invoke(signal, timeoutMs) {
          const res = await request({
            url: target,
            method,
            headers: Object.fromEntries(headers.map(([k, render]) => [k, render(scope)])),
            ...(payload === undefined ? {} : { body: payload }),
            ...((options.timeoutMs ?? timeoutMs) ? { timeoutMs: options.timeoutMs ?? timeoutMs } : {}),
            signal,
          });
          if (res.status < 200 || res.status >= 300) throw statusError(res, `${options.id} (${target})`);
          return readAnswer(res.body, options);
        },
      };
    },
  };
}

function readAnswer(body: unknown, options: HttpTargetOptions) {
  if (!options.output) return normalizeAppOutput(body);
  const answer = getPath(body, options.output);
  if (answer === undefined) {
    throw new AssayError('target.failed', `${options.id}: the response has nothing at "${options.output}"`);
  }
  const out = normalizeAppOutput(typeof answer === 'string' ? answer : { output: answer });
  const contexts = normalizeContexts(getPath(body, options.contexts ?? 'contexts'));
  if (contexts) out.contexts = contexts;
  const tools = normalizeToolCalls(getPath(body, options.toolCalls ?? 'toolCalls'));
  if (tools) out.toolCalls = tools;
  return out;
}
