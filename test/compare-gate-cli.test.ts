import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { BUILD_TIMEOUT_MS, ensureBuilt } from './helpers/build.js';
import { type CliResult, errorLines, runCli } from './helpers/cli.js';
import { type TempSuite, tempDir } from './helpers/suite.js';

// Child processes: generous on a loaded machine, though each takes seconds.
vi.setConfig({ testTimeout: 120_000 });

/**
 * 30 cases, 15 of type a and 15 of type b. The good app answers every case; the worse app gets 12
 * of the type-b cases wrong — a real regression on one stratum only.
 */
const CASES = Array.from({ length: 30 }, (_, i) => ({
  id: `c${String(i + 1).padStart(2, '0')}`,
  question: `question ${i + 1}`,
  expected: `answer-${i + 1}`,
  tags: { type: i < 15 ? 'a' : 'b' },
}));

const GOOD = `export const answer = (c) => 'The answer is ' + c.expected;\n`;
const WORSE = `export const answer = (c) =>
  c.tags.type === 'b' && Number(c.id.slice(1)) <= 27 ? 'no idea' : 'The answer is ' + c.expected;\n`;

/** Config files live in `ci/`, so every path in them is relative to that folder, not to the cwd. */
function config(app: string, gates: Record<string, unknown> = {}) {
  return stringify({
    dataset: '../golden.jsonl',
    targets: [{ id: 'app', provider: 'function', module: `../${app}#answer` }],
    evaluators: [{ type: 'contains', name: 'mentions', value: '{{ expected }}' }],
    gates,
  });
}

let suite: TempSuite & { ci: string };
let elsewhere: { dir: string; cleanup(): void };
let baseline: CliResult;

/** Runs the CLI from a folder unrelated to the suite, as CI might. */
const cli = (args: string[]) => runCli(args, { cwd: elsewhere.dir });

beforeAll(async () => {
  await ensureBuilt();
  const { dir, cleanup } = tempDir('assay-gate-');
  const ci = join(dir, 'ci');
  mkdirSync(ci);
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  write('golden.jsonl', `${CASES.map((c) => JSON.stringify(c)).join('\n')}\n`);
  write('good.mjs', GOOD);
  write('worse.mjs', WORSE);
  write('ci/base.yaml', config('good.mjs'));
  write('ci/worse.yaml', config('worse.mjs', { baseline: '../baselines/base.json', noRegression: true }));
  write('ci/equal.yaml', config('good.mjs', { baseline: '../baselines/base.json', noRegression: true }));
  suite = {
    dir,
    ci,
    config: join(ci, 'base.yaml'),
    dataset: join(dir, 'golden.jsonl'),
    db: join(dir, 'assay.db'),
    write,
    cleanup,
  };
  elsewhere = tempDir('assay-gate-cwd-');
  baseline = await cli([
    'eval',
    '-c',
    suite.config,
    '--db',
    suite.db,
    '-o',
    join(dir, 'baselines', 'base.json'),
  ]);
}, BUILD_TIMEOUT_MS);

afterAll(() => {
  suite?.cleanup();
  elsewhere?.cleanup();
});

describe('gates: { baseline, noRegression: true } at the end of assay eval', () => {
  it('fails a candidate that is worse on one stratum: exit 1, the gate message names it', async () => {
    expect(baseline.code).toBe(0);
    const res = await cli([
      'eval',
      '-c',
      join(suite.ci, 'worse.yaml'),
      '--db',
      suite.db,
      '-o',
      join(suite.dir, 'worse.json'),
    ]);
    expect(errorLines(res.stderr)).toEqual([]);
    expect(res.code).toBe(1);
    const base = join(suite.dir, 'baselines', 'base.json');
    expect(res.stdout).toContain(
      `✘ noRegression: 4 significant regression(s) against ${base}: pass on all; pass on type=b; mentions on all; mentions on type=b`,
    );
    // The gate is part of the run's summary, in the results JSON as in the store.
    const json = JSON.parse(readFileSync(join(suite.dir, 'worse.json'), 'utf8'));
    expect(json.summary.gates).toEqual([
      expect.objectContaining({ gate: 'noRegression', pass: false, actual: 4, threshold: 0 }),
    ]);
  });

  it('passes a candidate as good as the baseline: exit 0', async () => {
    const res = await cli(['eval', '-c', join(suite.ci, 'equal.yaml'), '--db', suite.db]);
    expect(errorLines(res.stderr)).toEqual([]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('✔ noRegression: no significant regression against');
  });

  it('takes a run id from the store as the baseline too', async () => {
    const id = JSON.parse(readFileSync(join(suite.dir, 'baselines', 'base.json'), 'utf8')).run.id;
    suite.write('ci/by-id.yaml', config('worse.mjs', { baseline: id, noRegression: true }));
    const res = await cli(['eval', '-c', join(suite.ci, 'by-id.yaml'), '--db', suite.db]);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain(`✘ noRegression: 4 significant regression(s) against ${id}`);
  });
});

describe('gates.noRegression without a baseline', () => {
  it('is a config error before anything runs (a gate that cannot be checked must not pass)', async () => {
    suite.write('ci/no-base.yaml', config('good.mjs', { noRegression: true }));
    const db = join(suite.dir, 'no-base.db');
    const res = await cli(['eval', '-c', join(suite.ci, 'no-base.yaml'), '--db', db]);
    expect(res.code).toBe(2);
    expect(errorLines(res.stderr)).toEqual([
      expect.stringMatching(/no-base\.yaml.*gates\.baseline.*noRegression needs a baseline/),
    ]);
    expect(existsSync(db)).toBe(false);
  });
});

describe('assay compare on results JSON files', () => {
  it('a paired McNemar per stratum, --json and --markdown, exit 1 only with --fail-on regression', async () => {
    const base = join(suite.dir, 'baselines', 'base.json');
    const worse = join(suite.dir, 'worse.json');
    const plain = await cli(['compare', base, worse, '--json', 'cmp.json', '--markdown', 'cmp.md']);
    expect(plain.stderr).toBe('');
    expect(plain.code).toBe(0);
    // No store was needed, so none was created.
    expect(existsSync(join(elsewhere.dir, '.assay'))).toBe(false);
    const json = JSON.parse(readFileSync(join(elsewhere.dir, 'cmp.json'), 'utf8'));
    const row = (stratum: string) =>
      json.rows.find(
        (r: { metric: string; stratum: string }) => r.metric === 'pass' && r.stratum === stratum,
      );
    // 12 pairs pass → fail, none the other way: exact McNemar p = 2 · 0.5^12.
    expect(row('type=b')).toMatchObject({
      n: 15,
      test: 'mcnemar-exact',
      verdict: 'regressed',
      baseline: { value: 1 },
      candidate: { value: 0.2 },
    });
    expect(row('type=b').p).toBeCloseTo(2 / 4096, 12);
    expect(row('type=a')).toMatchObject({ n: 15, p: 1, verdict: 'no significant change' });
    expect(json.onlyInBaseline).toEqual([]);
    expect(json.onlyInCandidate).toEqual([]);
    expect(plain.stdout).toMatch(
      /pass\s+type=b\s+15\s+100\.0% \[79\.6%, 100\.0%\]\s+20\.0% .*mcnemar-exact.*regressed/,
    );
    const md = readFileSync(join(elsewhere.dir, 'cmp.md'), 'utf8');
    expect(md).toContain('**4 significant regression(s)**');
    expect(md).toContain('| 🔴 | pass | type=b | 15 |');

    const gated = await cli(['compare', base, worse, '--fail-on', 'regression']);
    expect(gated.code).toBe(1);
    const same = await cli(['compare', base, base, '--fail-on', 'regression']);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('No significant regression.');
  });

  it('refuses what it cannot read with one line and exit 2', async () => {
    const res = await cli(['compare', 'nope.json', join(suite.dir, 'worse.json')]);
    expect(res.code).toBe(2);
    expect(errorLines(res.stderr)).toEqual([expect.stringMatching(/nope\.json.*cannot read results JSON/)]);
  });
});

describe('assay plan', () => {
  // Connor (1987), n = (z_{1-α/2} √ψ + z_{1-β} √(ψ - δ²))² / δ², by hand for p1 = 0.85, δ = 0.03:
  // ψ = p1(1 - p2) + p2(1 - p1) = 0.234 gives 2039. With the test compare runs (exact McNemar up to 25
  // discordant pairs, corrected χ² above) its power is only 0.788; the exact power first reaches 0.8 at
  // 2100 (0.800125; 0.799932 at 2099), from an independent Python/scipy computation (issue 12, item 5).
  it('sizes for the exact power of the test compare runs, and says what it assumed', async () => {
    const res = await cli(['plan', '--baseline-rate', '0.85', '--mde', '0.03']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('McNemar on paired cases): 2100 cases.');
    expect(res.stdout).toContain(
      "exact power 0.800 at 2100 cases. Connor's normal approximation would say 2039, where the power is 0.788.",
    );
    expect(res.stdout).toContain('Assumes the runs disagree on 23.4% of cases');
    // Holm over 6 rows: power 0.565 at 2100 cases (Python: 0.56458), 3207 needed.
    expect(res.stdout).toContain('With 6 rows the power at 2100 cases is 0.565, and 3207 cases are needed.');
  });

  it('with a measured discordance, other α and power, and a Holm family', async () => {
    const measured = await cli(['plan', '--baseline-rate', '0.85', '--mde', '0.03', '--discordance', '0.1']);
    expect(measured.stdout).toContain(': 925 cases.'); // Connor: 870
    const strict = await cli([
      'plan',
      '--baseline-rate',
      '0.85',
      '--mde',
      '0.03',
      '--alpha',
      '0.01',
      '--power',
      '0.9',
    ]);
    expect(strict.stdout).toContain(': 3923 cases.'); // Python: 0.900057 at 3923, 0.899969 at 3922; Connor: 3864
    const family = await cli(['plan', '--baseline-rate', '0.85', '--mde', '0.03', '--family', '6']);
    expect(family.stdout).toContain(
      '(two-sided α = 0.05 over 6 rows: α/6 = 0.00833, power 0.8, McNemar on paired cases): 3207 cases.',
    );
  });

  it('names the flag in every error, never an internal function (issue 10, item 10)', async () => {
    const cases: [string[], string][] = [
      [
        ['--baseline-rate', '0.99', '--mde', '0.03'],
        '--baseline-rate 0.99 with --mde 0.03 gives a pass rate of 1.02, outside 0..1',
      ],
      [['--baseline-rate', '0.85', '--mde', '0'], '--mde must not be 0'],
      [
        ['--baseline-rate', '1.5', '--mde', '0.1'],
        '--baseline-rate must be between 0 and 1 (exclusive), got 1.5',
      ],
      [
        ['--baseline-rate', '0.85', '--mde', '0.03', '--discordance', '0.01'],
        '--discordance must be between |--mde| (0.03) and 1',
      ],
      [['--baseline-rate', '0.85', '--mde', '0.03', '--power', '1'], '--power must be between 0 and 1'],
      [['--baseline-rate', '0.85', '--mde', 'x'], '--mde must be a number, got "x"'],
      [
        ['--baseline-rate', '0.85', '--mde', '0.03', '--family', '0'],
        '--family must be a whole number of rows',
      ],
    ];
    for (const [args, message] of cases) {
      const res = await cli(['plan', ...args]);
      expect(res.code, args.join(' ')).toBe(2);
      const lines = errorLines(res.stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(message);
      expect(lines[0]).not.toMatch(/pairedSampleSize|mcnemar|stats\./);
    }
  });
});
