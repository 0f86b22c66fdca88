import type { Case, PromotedFrom } from '../core/case.js';
import type { ResultRecord } from '../core/run.js';
import { contentHash } from '../util/hash.js';

/** The longest answer text kept in `observed`: enough to see what went wrong, not a transcript dump. */
const MAX_OBSERVED_TEXT = 4000;

/**
 * The content hash that says two cases are the same test: what is sent (vars, turns, sources) and
 * what is expected. The id, tags, origin and the promotion record are left out, so a case promoted
 * twice — from two runs, or under another id — is recognised.
 */
export function regressionKey(c: Pick<Case, 'vars' | 'expected' | 'sources' | 'turns'>): string {
  return contentHash({ vars: c.vars, expected: c.expected, sources: c.sources, turns: c.turns });
}

/** What a failed result looked like: the answer given and the scores that failed, for context. */
export function observedFrom(result: ResultRecord): Record<string, unknown> {
  const text = result.output?.text ?? '';
  const failing = result.scores.filter((s) => s.pass === false || s.error);
  return {
    target: result.target,
    ...(result.error ? { error: result.error } : {}),
    ...(result.output
      ? { text: text.length > MAX_OBSERVED_TEXT ? `${text.slice(0, MAX_OBSERVED_TEXT)}…` : text }
      : {}),
    scores: failing.map((s) => ({
      evaluator: s.evaluator,
      value: s.value,
      pass: s.pass,
      ...(s.reason ? { reason: s.reason } : {}),
      ...(s.error ? { error: s.error } : {}),
    })),
  };
}

/**
 * One line of a regression dataset: the case as the dataset had it (its variables at the top
 * level, as in any JSONL dataset), `origin: regression`, where it came from, and for a case that
 * failed, what was observed then. `expected` is kept: it is the behaviour the case now guards.
 */
export function toRegressionRow(
  c: Case,
  id: string,
  promotedFrom: PromotedFrom,
  failed: ResultRecord | undefined,
): Record<string, unknown> {
  return {
    id,
    ...c.vars,
    ...(c.expected === undefined ? {} : { expected: c.expected }),
    ...(c.sources ? { sources: c.sources } : {}),
    ...(c.turns ? { turns: c.turns } : {}),
    ...(Object.keys(c.tags).length ? { tags: c.tags } : {}),
    origin: 'regression',
    promotedFrom,
    ...(failed ? { observed: observedFrom(failed) } : {}),
  };
}
