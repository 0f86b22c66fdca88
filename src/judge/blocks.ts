import { contentHash } from '../util/hash.js';

/**
 * Case content goes to the judge inside tags that carry a boundary token, as a JSON string literal:
 * quotes and newlines are escaped, so nothing inside can pass for the prompt's own structure, and
 * the closing tag cannot be forged without the token. The token is a hash of everything the blocks
 * hold: unguessable by the text it wraps (it would have to contain its own hash), yet the same for
 * the same content, so judge calls stay cacheable.
 */
export function boundaryFor(contents: unknown): string {
  return contentHash(['assay-judge-boundary', contents]).slice(0, 20);
}

/** One delimited block: `<tag boundary="…">"json string"</tag boundary="…">`. */
export function block(tag: string, boundary: string, content: string, attributes = ''): string {
  const attrs = attributes ? ` ${attributes}` : '';
  return `<${tag}${attrs} boundary="${boundary}">\n${JSON.stringify(content)}\n</${tag} boundary="${boundary}">`;
}

/** Text for the judge from any value: strings as they are, anything else as JSON. */
export function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Words in a text, for length figures shown to the judge and the verbosity check. */
export function wordCount(text: string): number {
  return (text.match(/\S+/g) ?? []).length;
}
