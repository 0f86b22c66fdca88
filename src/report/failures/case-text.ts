import type { Case } from '../../core/case.js';
import type { Output } from '../../core/output.js';

/** Variables that usually hold the user's question, tried before falling back to every string variable. */
const QUESTION_KEYS = ['question', 'query', 'input', 'prompt', 'message', 'request', 'text', 'task'];

function lastUserMessage(prompt: unknown): string | undefined {
  if (!Array.isArray(prompt)) return undefined;
  for (let i = prompt.length - 1; i >= 0; i--) {
    const m = prompt[i] as { role?: unknown; content?: unknown } | null;
    if (m?.role === 'user' && typeof m.content === 'string') return m.content;
  }
  return undefined;
}

/**
 * What a case asks, as text to cluster failures on: its question-like variables (or all its string
 * variables) and its conversation turns; without the case, the last user message sent, else the output.
 */
export function caseText(c: Case | undefined, output: Output | null): string {
  if (c) {
    const vars = c.vars ?? {};
    const named = QUESTION_KEYS.map((k) => vars[k]).filter((v): v is string => typeof v === 'string');
    const parts = named.length
      ? named
      : Object.values(vars).filter((v): v is string => typeof v === 'string');
    for (const t of c.turns ?? []) parts.push(t.user);
    if (parts.length) return parts.join('\n');
  }
  return lastUserMessage(output?.prompt) ?? output?.text ?? '';
}
