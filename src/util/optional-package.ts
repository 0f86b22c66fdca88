import { AssayError } from '../core/errors.js';

/**
 * Packages Assay lists as optional peers: installed only by projects that use them, so that a
 * plain install stays small. The version is the one Assay is tested with.
 */
export const OPTIONAL_PACKAGES = {
  pg: { version: '8.23.1', neededFor: 'a PostgreSQL store (--db postgres://…)' },
  // 10.4.x: the last line that runs on Node 20 (pg-boss 11 needs Node 22).
  'pg-boss': { version: '10.4.2', neededFor: 'distributed evaluation (assay eval --workers, assay worker)' },
  tsx: { version: '4.23.15', neededFor: 'TypeScript modules (assay.config.ts, .ts targets and evaluators)' },
  // 3.21.1: the release tested here; its prebuilt CPU binaries need no compiler.
  'node-llama-cpp': { version: '3.21.1', neededFor: 'local models (llama:./model.gguf)' },
} as const;

export type OptionalPackage = keyof typeof OPTIONAL_PACKAGES;

/**
 * Imports an optional package (`load` is `() => import('pg')`, so the types come along); when it is
 * not installed, fails with one line naming the package and the command that installs it.
 *
 * @example const { default: pg } = await importOptional('pg', () => import('pg'));
 */
export async function importOptional<T>(name: OptionalPackage, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (!isMissing(error, name)) throw error;
    const { version, neededFor } = OPTIONAL_PACKAGES[name];
    throw new AssayError(
      'module.load',
      `${neededFor} needs the npm package ${name}, which is not installed: npm install ${name}@${version}`,
      { cause: error },
    );
  }
}

/** Node's "Cannot find package 'pg' imported from …", not an error from inside the package. */
function isMissing(error: unknown, name: string): boolean {
  const e = error as { code?: string; message?: string } | undefined;
  return (
    (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') &&
    (e.message ?? '').includes(`'${name}`)
  );
}
