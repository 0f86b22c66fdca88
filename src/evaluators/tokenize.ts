/**
 * Tokenisers of the reference metrics, each matching a published implementation so that scores can be
 * checked against it.
 */

/**
 * ROUGE tokens as Google's `rouge-score` package makes them (lower-case, every run of characters
 * other than letters and digits is a separator). `rouge-score` keeps only ASCII `[a-z0-9]`, so any
 * other script scores 0; with `unicode` (the default here) letters and digits of every script are
 * kept, which gives the same tokens on ASCII text.
 */
export function rougeTokens(text: string, charset: 'unicode' | 'ascii' = 'unicode'): string[] {
  const lower = text.toLowerCase();
  const parts = charset === 'ascii' ? lower.split(/[^a-z0-9]+/) : lower.split(/[^\p{L}\p{N}]+/u);
  return parts.filter((t) => t !== '');
}

/**
 * The `13a` tokeniser of sacreBLEU (the one of mteval-v13a.pl, used by WMT): punctuation and symbols
 * become separate tokens, periods and commas are split off unless they sit between digits.
 */
export function tokenize13a(text: string): string[] {
  let line = text
    .replaceAll('<skipped>', '')
    .replaceAll('-\n', '')
    .replaceAll('\n', ' ')
    .replaceAll('&quot;', '"')
    .replaceAll('&amp;', '&')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>');
  line = ` ${line} `
    .replace(/([{-~[-` -&(-+:-@/])/g, ' $1 ')
    .replace(/([^0-9])([.,])/g, '$1 $2 ')
    .replace(/([.,])([^0-9])/g, ' $1 $2')
    .replace(/([0-9])(-)/g, '$1 $2 ');
  return whitespaceTokens(line);
}

/** Tokens separated by whitespace (Python's `str.split()`). */
export function whitespaceTokens(text: string): string[] {
  return text.split(/\s+/).filter((t) => t !== '');
}
