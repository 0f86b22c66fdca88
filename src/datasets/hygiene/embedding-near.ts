import type { Case } from '../../core/case.js';
import type { Embedder } from '../../embeddings/embedder.js';
import { cosine } from '../../embeddings/vector.js';
import type { ContaminationSource } from './contamination.js';
import type { SourceLine } from './sources.js';
import { caseTexts, words } from './words.js';

export interface EmbeddingNearOptions {
  /** Cosine at or above which a field and a source line are the same text reworded (default 0.95). */
  threshold?: number;
  /** Texts shorter than this many words are not compared (default 8). */
  minWords?: number;
}

/**
 * The embedding near-duplicates of the contamination check: each case field against each source
 * line, by cosine of their embeddings. It catches copies with scattered edits that leave no 8-word
 * run intact. Source lines shorter than `minWords` words are not compared.
 */
export async function embeddingNearCopies(
  cases: readonly Case[],
  sources: readonly SourceLine[],
  embedder: Embedder,
  options: EmbeddingNearOptions = {},
): Promise<Map<string, ContaminationSource[]>> {
  const threshold = options.threshold ?? 0.95;
  const minWords = options.minWords ?? 8;
  const passages = sources.filter((s) => words(s.text).length >= minWords);
  const fields = cases.flatMap((c) =>
    caseTexts(c)
      .filter((t) => words(t).length >= minWords)
      .map((t) => ({ c, t })),
  );
  const out = new Map<string, ContaminationSource[]>();
  if (passages.length === 0 || fields.length === 0) return out;
  const [fieldVectors, passageVectors] = await Promise.all([
    embedder.embed(fields.map((f) => f.t)),
    embedder.embed(passages.map((p) => p.text)),
  ]);
  fields.forEach((f, i) => {
    passages.forEach((p, j) => {
      const score = cosine(fieldVectors[i]!, passageVectors[j]!);
      if (score < threshold) return;
      const list = out.get(f.c.id) ?? [];
      const same = list.find((s) => s.path === p.path);
      if (!same) list.push({ path: p.path, line: p.line, kind: 'near', score: round(score) });
      else if (score > same.score) Object.assign(same, { line: p.line, score: round(score) });
      out.set(f.c.id, list);
    });
  });
  return out;
}

const round = (x: number) => Math.round(x * 1000) / 1000;
