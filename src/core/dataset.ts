import type { Case } from './case.js';

/**
 * A named list of cases. Its version is a content hash of the canonical cases: the same cases give
 * the same version on every machine.
 */
export interface Dataset {
  name: string;
  /** Content hash of the canonical cases: the same cases give the same version everywhere. */
  version: string;
  path?: string;
  cases: Case[];
}
