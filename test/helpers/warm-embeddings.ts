import { prepareWordVectors } from '../../src/embeddings/word-vectors.js';

/**
 * A Vitest global setup: builds the local embedder's binary copy of its word vectors before any test
 * file runs, so that the one-off scan of the package's 300 MB JSON (10–20 s on a busy 2-core
 * machine) is not paid inside some test's timeout. Wire it with `globalSetup` in vitest.config.ts.
 */
export default async function setup(): Promise<void> {
  await prepareWordVectors();
}
