import { ensureBuilt } from './helpers/build.js';
import { ensureWebBuilt } from './helpers/build-web.js';
import warmEmbeddings from './helpers/warm-embeddings.js';

/**
 * Once per test run, before any test file: build dist/ for the suites that run the real CLI, so that
 * cost does not land inside some test's timeout, and check the local embedder's shipped vectors.
 */
export default async function setup(): Promise<void> {
  await ensureBuilt();
  ensureWebBuilt();
  await warmEmbeddings();
}
