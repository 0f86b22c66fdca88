import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AssayError } from '../core/errors.js';

/**
 * `mkdir -p`, one level at a time, failing at once with the folder's name. Node's recursive mkdir
 * spins forever under `/proc`, so it is not used for paths a user gives (`--output`, `--db`).
 *
 * @example
 * await makeFolder('out/reports', 'out/reports/run.html');
 */
export async function makeFolder(dir: string, file: string): Promise<void> {
  const missing: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    const s = await stat(d).catch(() => undefined);
    if (s) {
      if (!s.isDirectory()) throw new AssayError('file.write', `cannot write ${file}: ${d} is not a folder`);
      break;
    }
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      await mkdir(d);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      throw new AssayError('file.write', `cannot write ${file}: cannot create the folder ${d} (${code})`, {
        cause: error,
      });
    }
  }
}
