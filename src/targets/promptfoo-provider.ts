import { type Case, templateScope } from '../core/case.js';
import { AssayError } from '../core/errors.js';
import { compileTemplate } from '../templates/render.js';
import type { TargetFunction } from './function-target.js';
import type { PromptSpec as Prompt } from './prompt-target.js';

/** How a promptfoo provider class is constructed: its id and its `config`. */
export interface PromptfooProviderOptions {
  id: string;
  config?: Record<string, unknown>;
}

interface PromptfooResponse {
  output?: unknown;
  error?: unknown;
  tokenUsage?: { total?: number; prompt?: number; completion?: number };
  cost?: unknown;
}

/**
 * A promptfoo custom provider (`file://provider.js`: a class, the module's default export or
 * `module.exports`, with `callApi(prompt, context, options)`) as a target function, so it runs on
 * the function-target path like any other function: constructed once with `{ id, config }`, called
 * with the prompt rendered for the case and `{ vars, prompt, test }`. An answer with `error` is a
 * failed call; `tokenUsage` and `cost` become the output's usage and cost.
 */
export function promptfooProviderFunction(
  exported: unknown,
  options: PromptfooProviderOptions,
  prompt: Prompt | undefined,
  where: string,
): TargetFunction {
  // An ES module's default, or CommonJS `module.exports` (itself possibly a transpiled `{ default }`).
  const inner = (exported as { default?: unknown } | undefined)?.default;
  const Provider = typeof exported === 'function' ? exported : inner;
  if (typeof Provider !== 'function')
    throw new AssayError(
      'target.invalid',
      `${where}: the module's default export is not a promptfoo provider class`,
    );
  let instance: { callApi?: unknown };
  try {
    instance = new (Provider as new (o: PromptfooProviderOptions) => { callApi?: unknown })({
      id: options.id,
      config: options.config ?? {},
    });
  } catch (error) {
    throw new AssayError('target.invalid', `${where}: the provider class threw: ${(error as Error).message}`);
  }
  if (typeof instance.callApi !== 'function')
    throw new AssayError(
      'target.invalid',
      `${where}: the provider class has no callApi(prompt, context) method`,
    );
  const callApi = (instance.callApi as (...a: unknown[]) => Promise<PromptfooResponse>).bind(instance);
  const render = renderPrompt(prompt);
  const raw = typeof prompt === 'string' ? prompt : JSON.stringify(prompt ?? '');

  return async (c: Case, { messages, signal }) => {
    if (messages?.length)
      throw new AssayError(
        'target.failed',
        `${where}: a promptfoo provider answers single prompts, not conversations`,
      );
    const text = render(c);
    const res = await callApi(
      text,
      { vars: c.vars, prompt: { raw, label: raw }, test: { vars: c.vars } },
      { abortSignal: signal },
    );
    if (!res || typeof res !== 'object')
      throw new AssayError(
        'target.failed',
        `${where}: callApi returned ${JSON.stringify(res)}, not { output }`,
      );
    if (res.error) throw new AssayError('target.failed', `${where}: ${String(res.error)}`);
    const out = res.output;
    const toolCalls =
      Array.isArray(out) && out.every((t) => t && typeof t === 'object' && 'function' in t) ? out : undefined;
    const u = res.tokenUsage;
    return {
      output: typeof out === 'string' ? out : out === undefined || out === null ? '' : JSON.stringify(out),
      ...(toolCalls ? { toolCalls } : {}),
      ...(u ? { usage: { inputTokens: u.prompt ?? 0, outputTokens: u.completion ?? 0 } } : {}),
      ...(typeof res.cost === 'number' ? { costUsd: res.cost } : {}),
      prompt: text,
    };
  };
}

/** promptfoo hands a provider its prompt as text: a chat prompt as its messages' JSON. */
function renderPrompt(prompt: Prompt | undefined): (c: Case) => string {
  if (prompt === undefined) return () => '';
  if (typeof prompt === 'string') {
    const render = compileTemplate(prompt, 'prompt');
    return (c) => render(templateScope(c));
  }
  const parts = prompt.map((m, i) => ({
    role: m.role,
    render: compileTemplate(m.content, `prompt[${i}].content`),
  }));
  return (c) => JSON.stringify(parts.map((p) => ({ role: p.role, content: p.render(templateScope(c)) })));
}
