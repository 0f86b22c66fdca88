import { ensureBuilt } from './helpers/build.js';
import warmEmbeddings from './helpers/warm-embeddings.js';

/**
 * Once per test run, before any test file: build dist/ for the suites that run the real CLI, and
 * convert the local embedder's word vectors to their binary copy (a one-off scan of a 300 MB JSON),
 * so neither cost lands inside some test's timeout.
 */
export default async function setup(): Promise<void> {
  await ensureBuilt();
  await warmEmbeddings();
}
