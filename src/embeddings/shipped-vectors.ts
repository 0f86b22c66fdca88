import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { AssayError } from '../core/errors.js';
import { vocabularyFromWords } from './vocabulary.js';
import type { WordVectors } from './word-vectors.js';

/**
 * The vectors shipped inside the package (`src/embeddings/glove-100d-60k/`, made by
 * `scripts/convert-wink-vectors.ts`): the 60 000 most frequent GloVe words that the tokeniser can produce, int8 with a scale per row.
 * The same path resolves from `src/` (tests, tsx) and from `dist/` (the built package).
 */
export const SHIPPED_VECTORS_DIR = fileURLToPath(
  new URL('../../src/embeddings/glove-100d-60k/', import.meta.url),
);

interface Meta {
  source: string;
  count: number;
  dims: number;
  sourceCount: number;
}

/**
 * Reads the shipped table (~50 ms): one file read each, the int8 rows kept as they are (`local.ts`
 * scales them as it sums).
 */
export async function readShippedVectors(dir = SHIPPED_VECTORS_DIR): Promise<WordVectors> {
  const read = (name: string) =>
    readFile(`${dir}${name}`).catch((error: unknown) => {
      throw new AssayError(
        'module.load',
        `the local embedder's vectors are missing (${dir}${name}); reinstall assay`,
        { cause: error },
      );
    });
  const [metaBytes, vocabBytes, q, scaleBytes, rankBytes] = await Promise.all([
    read('meta.json'),
    read('vocab.txt'),
    read('vectors.i8'),
    read('scales.f32'),
    read('ranks.u32'),
  ]);
  const meta = JSON.parse(metaBytes.toString('utf8')) as Meta;
  const { count, dims } = meta;
  const words = vocabBytes.toString('utf8').split('\n', count);
  const sizes = [words.length, q.length / dims, scaleBytes.length / 4, rankBytes.length / 4];
  if (sizes.some((n) => n !== count)) {
    throw new AssayError(
      'module.load',
      `the local embedder's vectors in ${dir} are damaged; reinstall assay`,
    );
  }
  const ranks = new Uint32Array(count);
  const scales = new Float32Array(count);
  for (let r = 0; r < count; r++) {
    ranks[r] = rankBytes.readUInt32LE(r * 4);
    scales[r] = scaleBytes.readFloatLE(r * 4);
  }
  return {
    source: meta.source,
    dims,
    vocabulary: vocabularyFromWords(words),
    rankedCount: meta.sourceCount,
    ranks,
    vectors: new Int8Array(q.buffer, q.byteOffset, q.length),
    scales,
  };
}
