import { execFileSync } from 'node:child_process';

/** The commit the suite's folder is at, and whether the tree has changes; undefined outside git. */
export function gitCommit(cwd: string): { commit: string; dirty: boolean } | undefined {
  try {
    const opts = { cwd, stdio: ['ignore', 'pipe', 'ignore'] as ('ignore' | 'pipe')[], timeout: 2000 };
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], opts).toString().trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], opts).toString().trim() !== '';
    return { commit, dirty };
  } catch {
    return undefined;
  }
}
