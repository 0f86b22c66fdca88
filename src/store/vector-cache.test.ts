import { describe, expect, it } from 'vitest';
import { freshSchema, PG_URL, pgExec, probePostgres } from '../../test/helpers/postgres.js';
import { tempDir } from '../../test/helpers/suite.js';
import type { Store } from '../core/store.js';
import { cachedEmbedder } from '../embeddings/cache.js';
import type { Embedder } from '../embeddings/embedder.js';
import { normalize } from '../embeddings/vector.js';
import { openPostgresStore } from './postgres.js';
import { openSqliteStore } from './sqlite.js';
import { storeVectorCache, vectorKey } from './vector-cache.js';

const counting = (): Embedder & { texts: string[] } => {
  const texts: string[] = [];
  return {
    id: 'openai:emb@http://127.0.0.1/v1',
    texts,
    async embed(batch) {
      texts.push(...batch);
      return batch.map((t) => normalize([t.length, 1, 0.5, -2]));
    },
  };
};

/** Vectors written through one store connection are read back, exactly, through a new one. */
async function roundTrip(open: () => Promise<Store>): Promise<void> {
  const first = await open();
  const inner = counting();
  const texts = ['héllo wörld', '', 'a'.repeat(10_000), '{{ not a template }}'];
  const computed = await cachedEmbedder(inner, storeVectorCache(first)).embed(texts);
  expect(inner.texts).toHaveLength(4);
  await first.close(); // flushes the store's pending cache writes

  const second = await open();
  try {
    const again = counting();
    const read = await cachedEmbedder(again, storeVectorCache(second)).embed([...texts, 'new']);
    expect(again.texts).toEqual(['new']);
    for (const [i, v] of computed.entries()) expect(Array.from(read[i]!)).toEqual(Array.from(v));
    // Another model's vectors are not these.
    expect(await storeVectorCache(second).getMany('other-model', texts)).toEqual(texts.map(() => undefined));
    // The key holds a hash of the text, never the text itself.
    expect(await second.cacheGet(vectorKey(inner.id, texts[0]!))).toEqual(expect.any(String));
    expect(vectorKey(inner.id, 'secret text')).toMatch(
      /^emb:openai:emb@http:\/\/127\.0\.0\.1\/v1:[0-9a-f]{64}$/,
    );
  } finally {
    await second.close();
  }
}

// CI starts PostgreSQL, so there an unreachable server fails; elsewhere the case is skipped.
const probe = await probePostgres();
const missing = probe.ok
  ? ''
  : `PostgreSQL is not reachable at ${PG_URL} (${probe.why}); set ASSAY_TEST_PG_URL`;

describe('storeVectorCache', () => {
  it('keeps vectors in SQLite across connections', async () => {
    const { dir, cleanup } = tempDir('assay-vec-');
    try {
      await roundTrip(() => openSqliteStore(`${dir}/assay.db`));
    } finally {
      cleanup();
    }
  });

  it.runIf(!missing || process.env.CI)('keeps vectors in PostgreSQL across connections', async () => {
    expect(missing, missing).toBe('');
    const schema = freshSchema('assay_vec');
    try {
      await roundTrip(() => openPostgresStore(PG_URL, { schema }));
    } finally {
      await pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  });
});
