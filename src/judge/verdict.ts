import type { ToolCall } from '../core/output.js';
import { extractJson, matchingEnd } from '../evaluators/extract-json.js';

/** Checks a parsed JSON value against a verdict shape, returning the typed verdict or why not. */
export type VerdictCheck<T> = (value: unknown) => { ok: true; value: T } | { ok: false; error: string };

export type ParsedVerdict<T> =
  | { ok: true; value: T; source: 'tool-call' | 'whole' | 'fence' | 'embedded' }
  | { ok: false; error: string };

/**
 * Finds the verdict in a judge's answer: the arguments of a tool call, the whole text as JSON, a
 * fenced ```json block, or a JSON object inside prose. Every candidate is checked against the shape;
 * among objects inside prose the last one wins, because a judge ends with its verdict and may quote
 * earlier the response it graded — which can itself contain a verdict-shaped object.
 *
 * @example
 * parseVerdict({ text: 'Looks right.\n{"reasoning": "…", "score": 4}' }, rubricCheck).value; // { score: 4, … }
 */
export function parseVerdict<T>(
  answer: { text: string; toolCalls?: ToolCall[] },
  check: VerdictCheck<T>,
): ParsedVerdict<T> {
  let firstError: string | undefined;
  const tryValue = (value: unknown): T | undefined => {
    const r = check(value);
    if (r.ok) return r.value;
    firstError ??= r.error;
    return undefined;
  };
  for (const call of answer.toolCalls ?? []) {
    const args =
      typeof call.arguments === 'string'
        ? extractJson(call.arguments)
        : { ok: true as const, value: call.arguments };
    if (!args.ok) continue;
    const v = tryValue(args.value);
    if (v !== undefined) return { ok: true, value: v, source: 'tool-call' };
  }
  // Reasoning models may think aloud, drafts included, before answering.
  const text = answer.text.replace(/<think>[\s\S]*?<\/think>/gi, '').trim();
  const first = extractJson(text);
  if (first.ok && first.source !== 'embedded') {
    const v = tryValue(first.value);
    if (v !== undefined) return { ok: true, value: v, source: first.source };
  }
  const objects = jsonObjectsIn(text);
  for (let i = objects.length - 1; i >= 0; i--) {
    const v = tryValue(objects[i]);
    if (v !== undefined) return { ok: true, value: v, source: 'embedded' };
  }
  if (firstError) return { ok: false, error: firstError };
  const shown = text.length > 120 ? `${text.slice(0, 120)}…` : text;
  return { ok: false, error: `no JSON verdict in the judge's answer: ${JSON.stringify(shown)}` };
}

/** Every top-level balanced `{…}` in a text that parses as JSON, in order. Strings are skipped over. */
export function jsonObjectsIn(text: string): unknown[] {
  const out: unknown[] = [];
  let i = text.indexOf('{');
  while (i >= 0) {
    const end = matchingEnd(text, i);
    if (end < 0) {
      i = text.indexOf('{', i + 1);
      continue;
    }
    try {
      out.push(JSON.parse(text.slice(i, end + 1)));
      i = text.indexOf('{', end + 1);
    } catch {
      // Not JSON after all (prose braces): an object may still start inside.
      i = text.indexOf('{', i + 1);
    }
  }
  return out;
}
