import { readShippedVectors } from '../../src/embeddings/shipped-vectors.js';

/**
 * A Vitest global setup: reads the local embedder's shipped vectors once (~50 ms), so that a missing
 * or damaged table fails the run up front with its own message rather than in every test that
 * embeds. (It used to build a binary copy of a 300 MB JSON here; the vectors now ship compact.)
 * Wire it with `globalSetup` in vitest.config.ts.
 */
export default async function setup(): Promise<void> {
  await readShippedVectors();
}
