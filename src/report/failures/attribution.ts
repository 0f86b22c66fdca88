import type { Context } from '../../core/output.js';

/**
 * Where a failed RAG answer went wrong: `retrieval` when an expected source was not among the contexts
 * the target retrieved, `generation` when all were there and the answer is still wrong.
 */
export type Attribution = 'retrieval' | 'generation';

export interface AttributionResult {
  attribution: Attribution;
  /** The expected sources that were not retrieved, by id or the start of their text. */
  missing: string[];
}

interface SourceRef {
  id?: string;
  text?: string;
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

function sourceRef(source: unknown): SourceRef | undefined {
  if (typeof source === 'number') return { id: String(source) };
  if (typeof source === 'string') {
    // A short string without spaces is an id; anything longer is the document's text.
    return /\s/.test(source.trim()) || source.length > 80 ? { text: source } : { id: source };
  }
  if (source && typeof source === 'object') {
    const { id, text } = source as { id?: unknown; text?: unknown };
    const ref: SourceRef = {};
    if (typeof id === 'string' || typeof id === 'number') ref.id = String(id);
    if (typeof text === 'string') ref.text = text;
    return ref.id || ref.text ? ref : undefined;
  }
  return undefined;
}

function retrieved(ref: SourceRef, contexts: Context[]): boolean {
  return contexts.some((c) => {
    if (ref.id !== undefined && c.id !== undefined && String(c.id) === ref.id) return true;
    if (ref.text === undefined) return false;
    const want = norm(ref.text);
    const got = norm(c.text ?? '');
    // A source given as text counts when the context holds it, or is a chunk of it.
    return (
      want.length > 0 && (got === want || got.includes(want) || (got.length >= 40 && want.includes(got)))
    );
  });
}

/**
 * Attributes one failure, or returns undefined when it cannot be: the case names no sources, or the
 * target reported no retrieved contexts (it is not a RAG target).
 *
 * @example
 * attribute(['kb-7'], [{ id: 'kb-2', text: '…' }]); // { attribution: 'retrieval', missing: ['kb-7'] }
 */
export function attribute(
  sources: unknown[] | undefined,
  contexts: Context[] | undefined,
): AttributionResult | undefined {
  if (!sources?.length || !contexts) return undefined;
  const refs = sources.map(sourceRef).filter((r): r is SourceRef => r !== undefined);
  if (refs.length === 0) return undefined;
  const missing = refs.filter((r) => !retrieved(r, contexts)).map((r) => r.id ?? r.text!.slice(0, 60));
  return { attribution: missing.length ? 'retrieval' : 'generation', missing };
}
