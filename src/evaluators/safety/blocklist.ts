import { AssayError } from '../../core/errors.js';
import type { Finding } from './finding.js';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A matcher for a user's blocklist: `words` match as whole words, ignoring case (Unicode-aware, so
 * "ass" does not fire inside "class" nor "naïve" inside "naïveté"); `patterns` are regular
 * expressions, case-insensitive unless written as `/source/flags`.
 */
export function blocklistMatcher(words: string[] = [], patterns: string[] = []): (text: string) => Finding[] {
  const res: RegExp[] = [];
  if (words.length > 0) {
    const alternatives = [...words]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join('|');
    res.push(new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alternatives})(?![\\p{L}\\p{N}_])`, 'giu'));
  }
  patterns.forEach((p, i) => {
    const literal = /^\/(.+)\/([dimsuy]*)$/s.exec(p);
    try {
      res.push(literal ? new RegExp(literal[1]!, `${literal[2]}g`) : new RegExp(p, 'gi'));
    } catch (error) {
      throw new AssayError('evaluator.invalid', (error as Error).message, {
        field: `blocklist.patterns[${i}]`,
      });
    }
  });
  return (text) => {
    const found: Finding[] = [];
    for (const re of res) {
      for (const m of text.matchAll(re)) {
        if (m[0] !== '') found.push({ category: 'blocklist', match: m[0], index: m.index ?? 0 });
      }
    }
    return found;
  };
}
