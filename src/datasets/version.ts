import type { Case } from '../core/case.js';
import { contentHash } from '../util/hash.js';

/** A dataset version: the first 16 hex digits of the SHA-256 of its canonical cases, in order. */
export function datasetVersion(cases: readonly Case[]): string {
  return contentHash(cases).slice(0, 16);
}
