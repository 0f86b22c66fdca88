import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/build.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/suite.js';

/**
 * `describeEval` from assay/vitest, run by a real child Vitest on test/fixtures/vitest-eval: a test per
 * case, scores printed, the case under the threshold (and the one whose task threw) failing, and the
 * run saved in the store `assay runs` reads.
 */

const dir = tempDir('assay-vitest-');
afterAll(() => dir.cleanup());

describe('describeEval', () => {
  it('runs each case as a test, fails under the threshold, and stores the run', async () => {
    const db = join(dir.dir, 'assay.db');
    const child = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'),
        'run',
        '--config',
        join(ROOT, 'test/fixtures/vitest-eval/vitest.config.ts'),
        '--reporter',
        'verbose',
      ],
      { cwd: ROOT, env: { ...process.env, ASSAY_DB: db, NO_COLOR: '1', FORCE_COLOR: '0' }, encoding: 'utf8' },
    );
    const out = `${child.stdout}${child.stderr}`;
    expect(child.status, out).toBe(1);
    expect(out).toMatch(/✓ .*fixture bot > good/);
    expect(out).toMatch(/× .*fixture bot > bad/);
    expect(out).toMatch(/× .*fixture bot > broken/);
    expect(out).toContain('Tests  2 failed | 1 passed (3)');
    // Scores printed per case, with the mean against the threshold.
    expect(out).toContain('good: mentions=1.00 policy=1.00 · mean 1.00 (threshold 0.75)');
    expect(out).toContain('bad: mentions=0.00✗ policy=1.00 · mean 0.50 (threshold 0.75)');
    expect(out).toContain('broken: error: fixture bot threw: the bot crashed');

    const runs = await runCli(['runs', '--db', db, '--json'], { cwd: dir.dir });
    expect(runs.code, runs.stderr).toBe(0);
    const listed = JSON.parse(runs.stdout) as { description: string; status: string; passRate: number }[];
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ description: 'vitest: fixture bot', status: 'completed' });
    // The pass rate counts judged results; the case whose task threw is an error, counted apart.
    expect(listed[0]!.passRate).toBe(0.5);
  });
});
