import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STAMP = join(ROOT, 'dist', '.test-build-stamp');
const LOCK = join(ROOT, 'dist', '.test-build-lock');
const BUILD_INFO = join(ROOT, 'dist', '.test-tsbuildinfo');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function stampTime(): number {
  try {
    return statSync(STAMP).mtimeMs;
  } catch {
    return 0;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function lockIsStale(): boolean {
  const lock = statSync(LOCK, { throwIfNoEntry: false });
  if (!lock) return false;
  let pid = Number.NaN;
  try {
    pid = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
  } catch {
    // Not written yet (just taken): fall back to its age.
  }
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
    }
  }
  return Date.now() - lock.mtimeMs > 600_000;
}

/** A hook timeout for `beforeAll(ensureBuilt)`: a cold tsc build on a busy 2-core machine is slow. */
export const BUILD_TIMEOUT_MS = 600_000;

/**
 * Builds `dist/` once for the end-to-end suites that run `node bin/assay.js`: only when a source
 * file is newer than the last test build, and only one test process at a time (a lock directory).
 */
export async function ensureBuilt(): Promise<void> {
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  for (;;) {
    if (stampTime() >= newestSource(join(ROOT, 'src'))) return;
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
    } catch {
      // Another test process is building. Its lock is stale once that process is gone (killed
      // mid-build), or, failing that, after 10 minutes.
      if (lockIsStale()) rmSync(LOCK, { recursive: true, force: true });
      await sleep(200);
      continue;
    }
    try {
      const started = Date.now();
      try {
        // Incremental, with its state inside dist/: deleting dist/ forces a full build again.
        const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
        const args = ['-p', 'tsconfig.build.json', '--incremental', '--tsBuildInfoFile', BUILD_INFO];
        execFileSync(process.execPath, [tsc, ...args], { cwd: ROOT, stdio: 'pipe', timeout: 600_000 });
      } catch (error) {
        // tsc still emits on type errors (someone's half-edited file elsewhere); say so, go on.
        const out = (error as { stdout?: Buffer }).stdout?.toString() ?? '';
        process.stderr.write(
          `test build: tsc reported errors (dist was still emitted):\n${out.slice(0, 2000)}\n`,
        );
      }
      // As `npm run build` does: kysely and zod bundled into dist/vendor/, dist's imports pointed there.
      execFileSync(process.execPath, [join(ROOT, 'scripts/vendor-bundles.mjs')], {
        cwd: ROOT,
        stdio: 'pipe',
        timeout: 120_000,
      });
      writeFileSync(STAMP, String(started));
      // Stamped with the start time: a file saved during the build is newer, and triggers the next one.
      utimesSync(STAMP, started / 1000, started / 1000);
      return;
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
}
