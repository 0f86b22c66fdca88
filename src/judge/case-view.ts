import { type Case, templateScope } from '../core/case.js';
import { AssayError } from '../core/errors.js';
import type { Output } from '../core/output.js';
import { compileDeep, type Render } from '../templates/render.js';
import { asText } from './blocks.js';

const REQUEST_KEYS = ['question', 'query', 'input', 'prompt', 'message', 'request', 'user'];

/**
 * What the judge is shown as the user's request: the `input` template when the evaluator has one,
 * else the case's `question` (or `query`, `input`, `prompt`…), else its only variable, else the last
 * user message the target was sent, else all of its variables as JSON.
 */
export function requestText(c: Case, output: Output, input?: Render): string {
  if (input) return input(templateScope(c));
  for (const k of REQUEST_KEYS) if (typeof c.vars[k] === 'string') return c.vars[k] as string;
  const keys = Object.keys(c.vars);
  if (keys.length === 1) return asText(c.vars[keys[0]!]);
  const prompt = output.prompt;
  if (Array.isArray(prompt)) {
    for (let i = prompt.length - 1; i >= 0; i--) {
      const m = prompt[i] as { role?: string; content?: unknown };
      if (m?.role === 'user') return asText(m.content);
    }
  }
  if (c.turns?.length) return c.turns.map((t) => t.user).join('\n');
  return JSON.stringify(c.vars);
}

/**
 * Compiles an optional template option; the error names the option. `"{{ expected }}"` alone gives
 * the value itself (as JSON when it is not a string), not `[object Object]`.
 */
export function compileOption(source: string | undefined, field: string): Render | undefined {
  if (source === undefined) return undefined;
  try {
    const render = compileDeep(source, field);
    return (scope) => asText(render(scope));
  } catch (error) {
    throw new AssayError('evaluator.invalid', (error as Error).message, { field, cause: error });
  }
}

/**
 * The reference answer for a case from the `reference` template, or undefined when the case has
 * none. A template that fails on a case without `expected` just means "no reference here"; on a case
 * with one, it is a real error and is reported.
 */
export function referenceText(c: Case, reference: Render | undefined): string | undefined {
  if (!reference) return undefined;
  try {
    const text = reference(templateScope(c));
    return text.trim() === '' ? undefined : text;
  } catch (error) {
    if (c.expected === undefined) return undefined;
    throw error;
  }
}
