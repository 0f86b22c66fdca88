/**
 * Evaluator types that compare the output with the case's `expected` unless the config gives a
 * reference of its own (`value`, or `expected`): `referenceGetter`'s users, `numeric`, `similar`
 * (`'{{ expected }}'` by default) and `factuality` (grounded in `expected` when a case has no sources).
 */
const COMPARES_WITH_EXPECTED: ReadonlySet<string> = new Set([
  'exact-match',
  'f1',
  'rouge-l',
  'rouge-n',
  'bleu',
  'levenshtein',
  'numeric',
  'similar',
  'factuality',
]);

/**
 * The score name of an evaluator config that compares the output with the case's `expected`
 * (its `name`, else its type), or undefined when it does not.
 *
 * @example expectedEvaluatorName({ type: 'exact-match' }) // 'exact-match'; with a value: undefined
 */
export function expectedEvaluatorName(config: unknown): string | undefined {
  if (typeof config !== 'object' || config === null) return undefined;
  const c = config as Record<string, unknown>;
  if (typeof c.type !== 'string' || !COMPARES_WITH_EXPECTED.has(c.type)) return undefined;
  if ('value' in c || 'expected' in c) return undefined;
  return typeof c.name === 'string' ? c.name : c.type;
}
