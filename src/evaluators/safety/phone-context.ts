// Phone numbers written without "+": national formats, and bare digit runs that the words around
// them call a phone number. Context words raise recall the way context-aware PII tools do
// (Presidio's phone recognizer boosts on "phone", "number", "call", "mobile"…); words that name
// another kind of number (order, invoice, account…) veto, so order numbers and dates stay clean.

/**
 * A national number: a trunk "0" and an area code, then groups split by one kind of separator
 * (`020 7946 0958`, `01 23 45 67 89`, `07700-900123`, `(030) 1234 5678`).
 */
export const PHONE_NATIONAL =
  /(?<![\w+.,/-]|\d[ .-])(?:\(0[1-9]\d{0,4}\)|0[1-9]\d{0,4})([ .-])\d{2,8}(?:\1\d{2,8}){0,3}(?![\w-]|[.,:/]\d)/g;

/** Any run of digits with the separators phone numbers use, for the context check. */
export const DIGIT_RUN = /(?<![\w+.,/-]|\d[ .-])\(?\d[\d ().-]{5,18}\d(?![\w-]|[.,:/]\d)/g;

/** Words that say the digits that follow are a phone number. */
const PHONE_WORDS =
  /\b(?:phone|telephone|tel|ph|number|call|called|calling|ring|dial|mobile|mob|cell|cellphone|landline|whatsapp|signal|sms|text|fax|contact|reach)\b\.?/gi;

/** Words that say the digits are another kind of number: they veto the context. */
const OTHER_NUMBER =
  /\b(?:order|orders|invoice|tracking|track|reference|ref|account|acct|customer|case|ticket|booking|confirmation|serial|sku|transaction|item|policy|iban|card|postcode|zip|isbn|id|pin|version|year|amount|total|price|qty|quantity|page|room|flight)\b|#/i;

/** How far before a number its context is looked for (about five words). */
const WINDOW = 40;

const digitCount = (s: string) => s.replace(/\D/g, '').length;

/** Dates and times are not phone numbers, whatever is said around them. */
function looksLikeDate(s: string): boolean {
  return /^\d{4}[-./ ]\d{1,2}[-./ ]\d{1,2}$|^\d{1,2}[-./ ]\d{1,2}[-./ ]\d{2,4}$/.test(s.trim());
}

/** What the text says just before `index`: a phone word, another kind of number, or neither. */
function contextBefore(text: string, index: number): 'phone' | 'other' | undefined {
  const before = text.slice(Math.max(0, index - WINDOW), index);
  // Only the current sentence or clause speaks for the number.
  // (A sentence ends where a capital follows: "Tel. 020…" keeps its "Tel".)
  const clause = before.split(/[;!?\n]|\.\s+(?=[A-Z])/).at(-1) ?? before;
  if (OTHER_NUMBER.test(clause)) return 'other';
  PHONE_WORDS.lastIndex = 0;
  return PHONE_WORDS.test(clause) ? 'phone' : undefined;
}

/**
 * A national-format number (10 or 11 digits after the trunk 0), unless the words before it say it
 * is an order, invoice, account… number.
 */
export function nationalPhone(m: RegExpMatchArray): string | undefined {
  const n = digitCount(m[0]);
  if (n < 10 || n > 11) return undefined;
  return contextBefore(m.input ?? '', m.index ?? 0) === 'other' ? undefined : m[0];
}

/**
 * A run of 7 to 15 digits that is not a date, with a phone word just before it and no word naming
 * another kind of number: "call me on 4155550132", "WhatsApp: 07700900123".
 */
export function phoneByContext(m: RegExpMatchArray): string | undefined {
  const n = digitCount(m[0]);
  if (n < 7 || n > 15 || looksLikeDate(m[0])) return undefined;
  return contextBefore(m.input ?? '', m.index ?? 0) === 'phone' ? m[0] : undefined;
}
