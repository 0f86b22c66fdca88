import type { Case } from '../../core/case.js';
import { rougeTokens } from '../../evaluators/tokenize.js';

/**
 * The words of a text as the contamination and duplicate checks compare them: NFKC, then the
 * text metrics' tokens (lower case, runs of letters and digits of any script), so case,
 * punctuation and whitespace never hide a copy.
 *
 * @example words("Hello,  World!") // ['hello', 'world']
 */
export function words(text: string): string[] {
  return rougeTokens(text.normalize('NFKC'));
}

/** The word n-grams of a word list, each as one string (`"a b c"`); none when it is shorter. */
export function ngrams(list: readonly string[], n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + n <= list.length; i++) out.push(list.slice(i, i + n).join(' '));
  return out;
}

/** Every string leaf of a value, in order (objects by key order). */
export function stringLeaves(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringLeaves(v, out);
  else if (value !== null && typeof value === 'object')
    for (const v of Object.values(value)) stringLeaves(v, out);
  return out;
}

/**
 * The texts of a case that could leak or repeat: each string of its variables, its turns and its
 * expected answer, one text per field (an n-gram never spans two fields).
 */
export function caseTexts(c: Case): string[] {
  return [...stringLeaves(c.vars), ...stringLeaves(c.turns?.map((t) => t.user)), ...stringLeaves(c.expected)];
}

/** A case's input as one text: its variables and turns (not its expected answer). */
export function caseInput(c: Case): string {
  return [...stringLeaves(c.vars), ...stringLeaves(c.turns?.map((t) => t.user))].join('\n');
}
