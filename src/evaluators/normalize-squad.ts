/**
 * Answer normalisation of the SQuAD v1.1 evaluation script (`normalize_answer`), step for step:
 * lower-case, drop ASCII punctuation (Python's `string.punctuation`), replace the articles a/an/the
 * by a space, collapse whitespace. Python's `\b` is Unicode-aware where JavaScript's is not, so the
 * article boundaries are spelled out with Unicode letter and number classes.
 *
 * @example normalizeAnswer('The  Denver Broncos!') // 'denver broncos'
 */
export function normalizeAnswer(text: string): string {
  return text
    .toLowerCase()
    .replace(PUNCTUATION, '')
    .replace(ARTICLES, ' ')
    .split(/\s+/)
    .filter((t) => t !== '')
    .join(' ');
}

/** The tokens SQuAD's F1 counts: the normalised answer split on whitespace. */
export function squadTokens(text: string): string[] {
  const normalized = normalizeAnswer(text);
  return normalized === '' ? [] : normalized.split(' ');
}

// string.punctuation: the ASCII code points 33–47, 58–64, 91–96 and 123–126.
const PUNCTUATION = /[!-/:-@[-`{-~]/g;
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;
