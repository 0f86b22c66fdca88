/**
 * Words for clustering failure texts: lower-cased letters and digits, English stop words and bare
 * numbers dropped, plurals folded so "products" and "product" count as one term.
 */
const STOP_WORDS = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below ' +
    'between both but by can could did do does doing down during each few for from further had has have ' +
    'having he her here hers herself him himself his how i if in into is it its itself just me more most ' +
    'my myself no nor not now of off on once only or other our ours ourselves out over own same she ' +
    'should so some such than that the their theirs them themselves then there these they this those ' +
    'through to too under until up very was we were what when where which while who whom why will with ' +
    'would you your yours yourself yourselves also get got please thanks thank hi hello there dont ' +
    'cant im ive id its lets may might must shall us ok yes'
  ).split(' '),
);

function fold(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

/** The terms of a text, in order, repeats kept (term frequency matters). */
export function tokenize(text: string): string[] {
  const terms: string[] = [];
  for (const match of text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) {
    const word = match[0].replace(/'/g, '');
    if (word.length < 2 || STOP_WORDS.has(word) || /^\p{N}+$/u.test(word)) continue;
    terms.push(fold(word));
  }
  return terms;
}
