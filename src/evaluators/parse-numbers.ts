/** A number found in text, with the characters it came from. */
export interface FoundNumber {
  value: number;
  text: string;
  /** Written with a percent sign; `value` is the number as written (45 for "45%"). */
  percent: boolean;
}

// A sign (ASCII or the Unicode minus), digits with optional comma thousands groups, a decimal part,
// an exponent and a percent sign. The look-behind keeps "v2" and "A4" from reading as numbers, and a
// hyphen glued to a word or number ("COVID-19", "2020-01-05") from reading as a minus.
const NUMBER =
  /(?<![\p{L}\p{N}_.])([-+\u2212]?)((?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?|\.\d+)(?:[eE]([-+]?\d+))?(\s?%)?/gu;

/**
 * Every number written in a text, in order: `1,234.5`, `-3`, `−3`, `1e3`, `.5`, `45%`. Thousands
 * separators are commas only: "1.234,5" and "1 234" are not read as one number.
 *
 * @example parseNumbers('Revenue rose 12% to $1,234.5m') // values 12 and 1234.5
 */
export function parseNumbers(text: string): FoundNumber[] {
  const out: FoundNumber[] = [];
  for (const m of text.matchAll(NUMBER)) {
    const [raw, sign, digits, exponent, percent] = m;
    const magnitude = Number(digits!.replaceAll(',', '') + (exponent === undefined ? '' : `e${exponent}`));
    const value = sign === '-' || sign === '\u2212' ? -magnitude : magnitude;
    out.push({ value, text: raw, percent: percent !== undefined });
  }
  return out;
}
