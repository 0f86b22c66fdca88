import { z } from 'zod';
import { type Case, templateScope } from '../core/case.js';
import type { Output } from '../core/output.js';
import type { Score } from '../core/score.js';
import type { Render } from '../templates/render.js';
import { asText } from './blocks.js';

/**
 * What the three RAG graders (`context-recall`, `context-faithfulness`, `answer-relevance`) share.
 * They follow promptfoo's implementation (itself after ragas) step for step — the same prompts, the
 * same reading of the grader's prose, the same default pass mark of 0.5 — so a promptfoo suite
 * grades the same in Assay. Their prompts are promptfoo's, without Assay's delimited blocks: text
 * under test that carries instructions can sway them more than Assay's own judges.
 */
export const ragOptions = {
  type: z.string(),
  name: z.string().optional(),
  judge: z.unknown().optional(),
  /** Pass at or above (promptfoo's default, 0.5). */
  threshold: z.number().min(0).max(1).default(0.5),
  allowSameFamily: z.boolean().default(false),
};

/** The prompt the target was sent, as text: a string prompt, else its last user message. */
export function promptSent(output: Output): string | undefined {
  const p = output.prompt;
  if (typeof p === 'string') return p;
  if (!Array.isArray(p)) return undefined;
  for (let i = p.length - 1; i >= 0; i--) {
    const m = p[i] as { role?: string; content?: unknown };
    if (m?.role === 'user') return asText(m.content);
  }
  return undefined;
}

/**
 * The context to grade against: the `context` template, else the case's `context` variable (both
 * promptfoo's way: a string, or a list whose items are joined by a blank line), else the contexts
 * the target retrieved.
 */
export function contextText(c: Case, output: Output, render: Render | undefined): string | undefined {
  const value: unknown = render ? render(templateScope(c)) : c.vars.context;
  if (value !== undefined && value !== null) {
    const text = Array.isArray(value) ? value.map(asText).join('\n\n') : asText(value);
    if (text.trim() !== '') return text;
  }
  if (output.contexts?.length) return output.contexts.map((x) => x.text).join('\n\n');
  return undefined;
}

/** The non-empty lines of a grader's answer: promptfoo's "sentences". */
export function answerLines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

/** A grade per judge (or why there is none) as one score: the mean, passing at the threshold. */
export function ragScore(
  evaluator: string,
  threshold: number,
  graded: ({ score: number; reason: string; details?: object } | { error: string })[],
  base: Record<string, unknown>,
): Score {
  const good = graded.flatMap((g) => ('score' in g ? [g] : []));
  const errors = graded.flatMap((g) => ('error' in g ? [g.error] : []));
  if (good.length === 0) {
    const message = errors.join('; ');
    return { evaluator, value: null, pass: null, error: message, reason: message, details: base };
  }
  const value = good.reduce((s, g) => s + g.score, 0) / good.length;
  // promptfoo compares with an epsilon of slack: 0.49999999999999994 passes at 0.5.
  const pass = value >= threshold - Number.EPSILON;
  const over = good.length > 1 ? ` (mean of ${good.length} judges)` : '';
  return {
    evaluator,
    value,
    pass,
    reason: `${value.toFixed(2)} ${pass ? '≥' : '<'} ${threshold}${over}: ${good[0]!.reason}`,
    details: {
      ...base,
      threshold,
      ...(good[0]!.details ?? {}),
      ...(errors.length ? { judgeErrors: errors } : {}),
    },
  };
}
