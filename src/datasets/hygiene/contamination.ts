import type { Case } from '../../core/case.js';
import type { Embedder } from '../../embeddings/embedder.js';
import { embeddingNearCopies } from './embedding-near.js';
import type { SourceLine } from './sources.js';
import { caseTexts, ngrams, words } from './words.js';

/**
 * Thresholds of the contamination check (docs/datasets.md):
 * - `verbatim`: a 13-gram of a case's field appears in the source (GPT-3's test-set overlap rule,
 *   Brown et al. 2020); a field of 8–12 words counts when the whole field appears.
 * - `near`: at least `nearCoverage` of the words of one of the case's fields lie inside 8-grams found in the source
 *   (Llama 2's token-coverage rule, Touvron et al. 2023, with shorter grams): a copy with a few words
 *   changed keeps long unchanged runs between the edits.
 * Fields of fewer than `minWords` words (a label, a number) are not compared at all.
 */
export interface ContaminationOptions {
  verbatimN?: number;
  nearN?: number;
  nearCoverage?: number;
  minWords?: number;
}

export interface ContaminationSource {
  path: string;
  line?: number;
  kind: 'verbatim' | 'near';
  /** Fraction of the words of the case's best-covered field inside 8-grams found in this source, 0..1. */
  score: number;
}

export interface ContaminationReport {
  contaminated: { caseId: string; sources: ContaminationSource[] }[];
  checked: number;
}

type Index = Map<string, Map<string, number>>;

/**
 * Finds the golden cases that appear, verbatim or lightly edited, in other texts.
 *
 * @example
 * const report = findContamination(dataset.cases, await readSources(['prompts/']));
 * report.contaminated // [{ caseId: 'c17', sources: [{ path: 'prompts/few-shot.txt', line: 12, kind: 'verbatim', score: 1 }] }]
 */
export function findContamination(
  cases: readonly Case[],
  sources: readonly SourceLine[],
  options: ContaminationOptions = {},
): ContaminationReport {
  const o = { verbatimN: 13, nearN: 8, nearCoverage: 0.6, minWords: 8, ...options };
  const { long, short } = indexSources(sources, o.verbatimN, o.nearN);
  const contaminated: ContaminationReport['contaminated'] = [];
  for (const c of cases) {
    const found = checkCase(c, long, short, o);
    if (found.length > 0) contaminated.push({ caseId: c.id, sources: found });
  }
  return { contaminated, checked: cases.length };
}

function indexSources(
  sources: readonly SourceLine[],
  longN: number,
  shortN: number,
): { long: Index; short: Index } {
  const long: Index = new Map();
  const short: Index = new Map();
  const byPath = new Map<string, SourceLine[]>();
  for (const s of sources) {
    const list = byPath.get(s.path) ?? [];
    list.push(s);
    byPath.set(s.path, list);
  }
  for (const [path, lines] of byPath) {
    // One stream per file: a passage wrapped over several lines of a prompt still matches.
    const stream: string[] = [];
    const lineOf: number[] = [];
    for (const l of lines) {
      for (const w of words(l.text)) {
        stream.push(w);
        lineOf.push(l.line);
      }
    }
    addGrams(stream, lineOf, longN, path, long);
    addGrams(stream, lineOf, shortN, path, short);
  }
  return { long, short };
}

function addGrams(stream: string[], lineOf: number[], n: number, path: string, index: Index): void {
  ngrams(stream, n).forEach((g, i) => {
    let at = index.get(g);
    if (!at) {
      at = new Map();
      index.set(g, at);
    }
    if (!at.has(path)) at.set(path, lineOf[i]!);
  });
}

interface PathHits {
  /** Per field: the word positions inside n-grams found in the source. */
  covered: Map<number, Set<number>>;
  verbatim: boolean;
  line?: number;
}

function checkCase(
  c: Case,
  long: Index,
  short: Index,
  o: Required<ContaminationOptions>,
): ContaminationSource[] {
  const hits = new Map<string, PathHits>();
  const hit = (path: string) => {
    let h = hits.get(path);
    if (!h) {
      h = { covered: new Map(), verbatim: false };
      hits.set(path, h);
    }
    return h;
  };
  const sizes: number[] = [];
  for (const text of caseTexts(c)) {
    const w = words(text);
    if (w.length < o.minWords) continue;
    const field = sizes.length;
    sizes.push(w.length);
    const shortGrams = ngrams(w, o.nearN);
    const fieldHits = new Map<string, number>();
    shortGrams.forEach((g, i) => {
      for (const [path, line] of short.get(g) ?? []) {
        const h = hit(path);
        h.line ??= line;
        let covered = h.covered.get(field);
        if (!covered) {
          covered = new Set();
          h.covered.set(field, covered);
        }
        for (let k = i; k < i + o.nearN; k++) covered.add(k);
        fieldHits.set(path, (fieldHits.get(path) ?? 0) + 1);
      }
    });
    if (w.length < o.verbatimN) {
      // A short field is verbatim in a source when every one of its grams is there.
      for (const [path, n] of fieldHits) if (n === shortGrams.length) hit(path).verbatim = true;
    } else {
      for (const g of ngrams(w, o.verbatimN)) {
        for (const [path, line] of long.get(g) ?? []) {
          const h = hit(path);
          if (!h.verbatim) h.line = line;
          h.verbatim = true;
        }
      }
    }
  }
  const out: ContaminationSource[] = [];
  for (const [path, h] of hits) {
    // The best-covered field: a leaked question is contamination even when its answer did not leak.
    let score = 0;
    for (const [field, covered] of h.covered) score = Math.max(score, covered.size / sizes[field]!);
    if (!h.verbatim && score < o.nearCoverage) continue;
    out.push({
      path,
      ...(h.line === undefined ? {} : { line: h.line }),
      kind: h.verbatim ? 'verbatim' : 'near',
      score: Math.round(score * 1000) / 1000,
    });
  }
  return out.sort((a, b) => b.score - a.score || a.path.localeCompare(b.path));
}

/**
 * {@link findContamination} plus, with an embedder, the embedding near-duplicates of
 * `embedding-near.ts`, merged per case and source (a verbatim finding wins over a near one).
 */
export async function checkContamination(
  cases: readonly Case[],
  sources: readonly SourceLine[],
  options: ContaminationOptions & { embedder?: Embedder; embeddingThreshold?: number } = {},
): Promise<ContaminationReport> {
  const report = findContamination(cases, sources, options);
  if (!options.embedder) return report;
  const near = await embeddingNearCopies(cases, sources, options.embedder, {
    ...(options.embeddingThreshold === undefined ? {} : { threshold: options.embeddingThreshold }),
    ...(options.minWords === undefined ? {} : { minWords: options.minWords }),
  });
  const byCase = new Map(report.contaminated.map((c) => [c.caseId, c.sources]));
  for (const [caseId, found] of near) {
    const list = byCase.get(caseId) ?? [];
    for (const s of found) if (!list.some((x) => x.path === s.path)) list.push(s);
    byCase.set(caseId, list);
  }
  return {
    contaminated: cases
      .filter((c) => byCase.has(c.id))
      .map((c) => ({
        caseId: c.id,
        sources: byCase.get(c.id)!.sort((a, b) => b.score - a.score || a.path.localeCompare(b.path)),
      })),
    checked: report.checked,
  };
}
