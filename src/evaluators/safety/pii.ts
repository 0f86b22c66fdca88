import { isIP } from 'node:net';
import { ibanLength, ibanValid, luhnValid } from './checksums.js';
import type { Finding } from './finding.js';
import { DIGIT_RUN, nationalPhone, PHONE_NATIONAL, phoneByContext } from './phone-context.js';

export const PII_CATEGORIES = ['email', 'phone', 'card', 'ssn', 'iban', 'ip'] as const;
export type PiiCategory = (typeof PII_CATEGORIES)[number];

// Letters and digits of any script: an address may be internationalised (RFC 6531). "%40" is an
// URL-encoded "@", so an address inside a query string is found too.
const EMAIL =
  /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+(?:@|%40)(?:[\p{L}\p{N}-]+\.)+\p{L}{2,}(?![\p{L}\p{N}])/giu;
// International numbers start with "+" and a country code; E.164 allows at most 15 digits.
const PHONE_INTL = /(?<![\w+])\+\d[\d ().-]{6,22}\d(?![\w])/g;
// North American numbers only when written with separators or parentheses: a bare run of ten
// digits is as likely an order or account number.
const PHONE_US = /(?<![\w-])(?:\(\d{3}\)\s?|\d{3}[-. ])\d{3}[-. ]\d{4}(?![\w-])/g;
// 13 to 19 digits, optionally grouped by spaces or dashes.
const CARD = /(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])/g;
const SSN = /(?<![\d-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\d-])/g;
const IBAN = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){10,32}(?![A-Za-z0-9])/g;
const IPV4 =
  /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\.?\d)/g;
const IPV6 = /(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}(?:[0-9a-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?![\w:])/gi;

function digitsOf(s: string): string {
  return s.replace(/\D/g, '');
}

/** A card number: Luhn-valid, and a prefix that a card network issues (2221–2720, 3, 4, 5, 6). */
function isCard(candidate: string): boolean {
  const d = digitsOf(candidate);
  const groups = candidate.split(/[ -]/);
  // Grouped numbers are grouped consistently (4-4-4-4, 4-6-5), not "1 2 3 4 …".
  if (groups.length > 1 && groups.some((g) => g.length < 3)) return false;
  const network = /^(?:4|5[1-5]|2(?:22[1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)|3[47]|3(?:0[0-5]|[68])|35|6)/;
  return network.test(d) && luhnValid(d);
}

/** A US SSN: area not 000, 666 or 900–999; group not 00; serial not 0000. */
function isSsn(m: RegExpMatchArray): boolean {
  const [area, group, serial] = [m[1]!, m[3]!, m[4]!];
  return area !== '000' && area !== '666' && area[0] !== '9' && group !== '00' && serial !== '0000';
}

/** The IBAN at the start of a candidate (which may run into the next word), as written, when valid. */
function ibanAt(candidate: string): string | undefined {
  const compact = candidate.replace(/ /g, '').toUpperCase();
  const length = ibanLength(compact.slice(0, 2));
  if (length === undefined || compact.length < length || !ibanValid(compact.slice(0, length)))
    return undefined;
  let seen = 0;
  let end = 0;
  while (seen < length) if (candidate[end++] !== ' ') seen++;
  return candidate.slice(0, end);
}

function all(
  text: string,
  re: RegExp,
  category: PiiCategory,
  keep: (m: RegExpMatchArray) => string | undefined,
): Finding[] {
  const out: Finding[] = [];
  for (const m of text.matchAll(re)) {
    const match = keep(m);
    if (match !== undefined) out.push({ category: `pii.${category}`, match, index: m.index ?? 0 });
  }
  return out;
}

const phoneDigits = (m: RegExpMatchArray) => {
  const n = digitsOf(m[0]).length;
  return n >= 8 && n <= 15 ? m[0] : undefined;
};

// In order of precedence: a span claimed by one detector is not reported again by a later one
// (the digits of an IBAN are not also a card number, a card is not also a phone number).
const DETECTORS: [PiiCategory, RegExp, (m: RegExpMatchArray) => string | undefined][] = [
  ['email', EMAIL, (m) => m[0]],
  ['iban', IBAN, (m) => ibanAt(m[0])],
  ['card', CARD, (m) => (isCard(m[0]) ? m[0] : undefined)],
  ['ssn', SSN, (m) => (isSsn(m) ? m[0] : undefined)],
  ['phone', PHONE_INTL, phoneDigits],
  ['phone', PHONE_US, (m) => m[0]],
  ['phone', PHONE_NATIONAL, nationalPhone],
  ['ip', IPV4, (m) => m[0]],
  ['ip', IPV6, (m) => (/[0-9a-f]/i.test(m[0]) && isIP(m[0]) === 6 ? m[0] : undefined)],
  // Last: any digit run the words before it call a phone number.
  ['phone', DIGIT_RUN, phoneByContext],
];

/**
 * Personal data in a text, by category. Each detector trades recall for precision where plain
 * digits are ambiguous: cards must pass the Luhn check, IBANs their mod-97 check, SSNs must be
 * written with separators and avoid the never-issued ranges. Phone numbers: international ones
 * with "+", US ones with separators, national ones with a trunk "0" and grouped digits (unless the
 * words before them name an order, invoice, account… number), and any 7–15 digit run that a word
 * just before it calls a phone number ("call", "mobile", "WhatsApp", "my number is"…).
 */
export function detectPii(text: string, categories: readonly PiiCategory[] = PII_CATEGORIES): Finding[] {
  const accepted: Finding[] = [];
  for (const [category, re, keep] of DETECTORS) {
    for (const f of all(text, re, category, keep)) {
      const end = f.index + f.match.length;
      if (!accepted.some((a) => f.index < a.index + a.match.length && a.index < end)) accepted.push(f);
    }
  }
  const on = new Set(categories.map((c) => `pii.${c}`));
  return accepted.filter((f) => on.has(f.category)).sort((a, b) => a.index - b.index);
}
