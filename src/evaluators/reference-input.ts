import { templateScope } from '../core/case.js';
import type { EvaluatorInput, Score } from '../core/score.js';
import { scoreError } from '../core/score.js';
import { compileDeep } from '../templates/render.js';

/** The references of one case, or the score to give when there are none to compare with. */
export type References = { ok: true; refs: string[] } | { ok: false; score: Score };

/** A score that does not apply to this case (no reference, no contexts…): null, but not an error. */
export function notApplicable(evaluator: string, reason: string): Score {
  return { evaluator, value: null, pass: null, reason };
}

/**
 * What an output is compared with: the evaluator's `value` rendered for the case, else the case's
 * `expected`. A list gives several references. A case without one is not applicable (null score);
 * a reference that is not text (an object) is an error, since the metric cannot read it.
 */
export function referenceGetter(value: unknown, name: string): (input: EvaluatorInput) => References {
  const render = value === undefined ? undefined : compileDeep(value, `${name}.value`);
  const where = render ? 'value' : 'expected';
  return (input) => {
    const raw = render
      ? render({ ...templateScope(input.case), output: input.output.text })
      : input.case.expected;
    if (raw === undefined || raw === null) {
      return { ok: false, score: notApplicable(name, `no reference: the case has no ${where}`) };
    }
    const refs: string[] = [];
    for (const r of Array.isArray(raw) ? raw : [raw]) {
      if (typeof r === 'string') refs.push(r);
      else if (typeof r === 'number' || typeof r === 'boolean') refs.push(String(r));
      else return { ok: false, score: scoreError(name, `${where} must be text or a list of texts`) };
    }
    if (refs.length === 0) return { ok: false, score: notApplicable(name, `${where} is an empty list`) };
    return { ok: true, refs };
  };
}

/** A value for a reason: 3 decimals, no trailing zeros. */
export function fmt(x: number): string {
  return String(Math.round(x * 1000) / 1000);
}

/** A text quoted for a reason, cut at `max` characters. */
export function quote(text: string, max = 60): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}
