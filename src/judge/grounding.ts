import type { Case } from '../core/case.js';
import type { Output } from '../core/output.js';
import { asText } from './blocks.js';

export type GroundingKind = 'sources' | 'expected' | 'contexts';

/** What an output's claims are checked against. */
export interface Grounding {
  kind: GroundingKind;
  docs: { id?: string; text: string }[];
  /** Source ids the case names but the target did not retrieve, so their text is unknown. */
  missing: string[];
}

// A source given as a short string without spaces is an id, not a document text.
const ID_LIKE = /^\S{1,80}$/;

/**
 * The documents to check claims against, in order of preference: the case's `sources` (texts,
 * `{id, text}`, or ids looked up among the output's retrieved contexts), then its `expected` answer,
 * then the contexts the target retrieved (groundedness in what the app actually saw). `only` restricts
 * it to one kind. Undefined when there is nothing to check against.
 */
export function groundingFor(c: Case, output: Output, only?: GroundingKind): Grounding | undefined {
  const kinds: GroundingKind[] = only ? [only] : ['sources', 'expected', 'contexts'];
  const missing: string[] = [];
  for (const kind of kinds) {
    if (kind === 'sources' && c.sources?.length) {
      const docs = c.sources.flatMap((s) => resolveSource(s, output, missing));
      if (docs.length) return { kind, docs, missing };
    }
    if (kind === 'expected' && c.expected !== undefined && asText(c.expected).trim() !== '') {
      return { kind, docs: [{ id: 'expected', text: asText(c.expected) }], missing };
    }
    if (kind === 'contexts' && output.contexts?.length) {
      return {
        kind,
        docs: output.contexts.map((x) => ({ ...(x.id ? { id: x.id } : {}), text: x.text })),
        missing,
      };
    }
  }
  return undefined;
}

function resolveSource(s: unknown, output: Output, missing: string[]): { id?: string; text: string }[] {
  const byId = (id: string) => output.contexts?.find((x) => x.id === id);
  if (typeof s === 'string') {
    const hit = byId(s);
    if (hit) return [{ id: s, text: hit.text }];
    if (ID_LIKE.test(s)) {
      missing.push(s);
      return [];
    }
    return [{ text: s }];
  }
  if (s && typeof s === 'object') {
    const o = s as Record<string, unknown>;
    const id = o.id === undefined ? undefined : String(o.id);
    const text = o.text ?? o.content;
    if (typeof text === 'string') return [{ ...(id ? { id } : {}), text }];
    if (id) {
      const hit = byId(id);
      if (hit) return [{ id, text: hit.text }];
      missing.push(id);
      return [];
    }
  }
  return [{ text: asText(s) }];
}
