/** One thing a safety check found in an output. */
export interface Finding {
  /** `pii.email`, `secret.aws`, `blocklist`, `leakage.canary`, `refusal.missing`, `classifier.hate`… */
  category: string;
  /** The matched text, for allow-lists; never shown as is (see `mask`). */
  match: string;
  index: number;
}

/**
 * A matched value as reports may show it: its first characters and its length, so a reader can
 * find it in the output without the report repeating a secret or a person's data.
 *
 * @example mask('john.doe@example.com') // 'john…(20 chars)'
 */
export function mask(value: string): string {
  const chars = Array.from(value);
  const keep = Math.min(4, Math.floor(chars.length / 4));
  return `${chars.slice(0, keep).join('')}…(${chars.length} chars)`;
}

/**
 * An allow-list entry: `/regex/flags`, or a literal compared case-insensitively after removing
 * spaces and dashes (so an allowed phone number matches however it is formatted).
 */
export function allowMatcher(entries: string[]): (value: string) => boolean {
  const squash = (s: string) => s.replace(/[\s-]+/g, '').toLowerCase();
  const tests = entries.map((e) => {
    const re = /^\/(.+)\/([dgimsuy]*)$/s.exec(e);
    if (re) {
      const pattern = new RegExp(re[1]!, re[2]!.replace('g', ''));
      return (v: string) => pattern.test(v);
    }
    const literal = squash(e);
    return (v: string) => squash(v) === literal;
  });
  return (value) => tests.some((t) => t(value));
}
