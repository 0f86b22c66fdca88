import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { type FakeOpenAI, startFakeOpenAI } from './fake-openai-server.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from './helpers/build.js';
import { type CliResult, errorLines, runCli } from './helpers/cli.js';
import { makeSuite, numberedCases, openaiConfig, type TempSuite, tempDir } from './helpers/suite.js';

// Child processes and real sockets: generous on a loaded machine, though each takes seconds.
vi.setConfig({ testTimeout: 120_000 });

interface ResultsJson {
  run: { id: string; provenance: Record<string, unknown> };
  summary: {
    total: number;
    interval: [number, number];
    repeats: {
      k: number;
      cases: number;
      flaky: { count: number; cases: string[] };
      alwaysPass: number;
      alwaysFail: number;
      passAtK: number;
      passHatK: number;
    };
  };
  results: { caseId: string; repeat: number; pass: boolean; cached: boolean }[];
  caseStats: {
    caseId: string;
    trials: number;
    passes: number;
    flaky: boolean;
    scores: Record<string, { mean: number; sd: number; n: number }>;
  }[];
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as ResultsJson;

/**
 * The app under test keeps a call counter per case. Cases tagged `flaky: yes` answer right on odd
 * calls only (2 of 3 repeats pass, whatever order the calls come in); `broken: yes` never answers
 * right; with WORSE set (the candidate app), cases of type b answer right on the first call only.
 */
const APP = (worse: boolean) => `
const calls = new Map();
export function answer(c) {
  const n = (calls.get(c.id) ?? 0) + 1;
  calls.set(c.id, n);
  if (c.tags.broken === 'yes') return 'no idea';
  if (c.tags.flaky === 'yes' && n % 2 === 0) return 'no idea';
  if (${worse} && c.tags.type === 'b' && n > 1) return 'no idea';
  return 'The answer is ' + c.expected;
}
`;

const CASES = Array.from({ length: 24 }, (_, i) => ({
  id: `c${String(i + 1).padStart(2, '0')}`,
  question: `question ${i + 1}`,
  expected: `answer-${i + 1}`,
  tags: {
    type: i < 12 ? 'a' : 'b',
    ...(i === 0 || i === 1 ? { flaky: 'yes' } : {}),
    ...(i === 2 ? { broken: 'yes' } : {}),
  },
}));

const config = (module: string) => ({
  dataset: './golden.jsonl',
  targets: [{ id: 'app', provider: 'function', module }],
  evaluators: [{ type: 'contains', name: 'mentions', value: '{{ expected }}' }],
});

let suite: TempSuite;
let baseRun: CliResult;
let candRun: CliResult;
let base: ResultsJson;
let cand: ResultsJson;

beforeAll(async () => {
  await ensureBuilt();
  suite = makeSuite({ cases: CASES, config: config('./app.mjs#answer') });
  suite.write('app.mjs', APP(false));
  suite.write('worse.mjs', APP(true));
  suite.write('worse.yaml', stringify(config('./worse.mjs#answer')));
  const opts = { cwd: suite.dir };
  baseRun = await runCli(
    ['eval', '-c', suite.config, '--db', suite.db, '--repeat', '3', '-o', 'base.json'],
    opts,
  );
  candRun = await runCli(
    ['eval', '-c', join(suite.dir, 'worse.yaml'), '--db', suite.db, '--repeat', '3', '-o', 'cand.json'],
    opts,
  );
  base = readJson(join(suite.dir, 'base.json'));
  cand = readJson(join(suite.dir, 'cand.json'));
}, BUILD_TIMEOUT_MS);

afterAll(() => suite?.cleanup());

describe('assay eval --repeat 3 on a non-deterministic function target', () => {
  it('runs every case 3 times and lists the flaky cases in the summary', () => {
    expect(errorLines(baseRun.stderr)).toEqual([]);
    // c03 always fails, so the run has failures but no gate: exit 0.
    expect(baseRun.code).toBe(0);
    expect(base.results).toHaveLength(72);
    expect(new Set(base.results.map((r) => r.repeat))).toEqual(new Set([0, 1, 2]));
    expect(baseRun.stdout).toContain('Flaky: 2 cases (c01, c02)');
    expect(baseRun.stdout).toMatch(
      /Repeats\s+3 per case · pass@3 95\.8% · pass\^3 87\.5% · always pass 21 · always fail 1/,
    );
  });

  it('writes the repeat summary and per-case stats into the results JSON', () => {
    expect(base.run.provenance.repeat).toBe(3);
    // 24 cases: 21 always pass, c03 never, c01/c02 2 of 3. pass@3 = 23/24, pass^3 = 21/24.
    expect(base.summary.repeats).toEqual({
      k: 3,
      cases: 24,
      flaky: { count: 2, cases: ['c01', 'c02'] },
      alwaysPass: 21,
      alwaysFail: 1,
      passAtK: 23 / 24,
      passHatK: 21 / 24,
      meanCasePassRate: expect.closeTo((21 + 4 / 3) / 24, 12),
    });
    expect(base.caseStats).toHaveLength(24);
    const byId = new Map(base.caseStats.map((c) => [c.caseId, c]));
    expect(byId.get('c01')).toMatchObject({ trials: 3, passes: 2, flaky: true });
    expect(byId.get('c03')).toMatchObject({ trials: 3, passes: 0, flaky: false });
    expect(byId.get('c10')).toMatchObject({ trials: 3, passes: 3, flaky: false });
    const mentions = byId.get('c02')!.scores.mentions!;
    // Scores 1, 0, 1: mean 2/3, sample sd sqrt(1/3).
    expect(mentions.n).toBe(3);
    expect(mentions.mean).toBeCloseTo(2 / 3, 12);
    expect(mentions.sd).toBeCloseTo(Math.sqrt(1 / 3), 12);
  });

  it('gives the pass rate an interval clustered by case', () => {
    // 65 of 72 trials passed; 24 clusters. The naive Wilson interval on 72 trials would be narrower.
    const [lo, hi] = base.summary.interval;
    expect(lo).toBeLessThan(65 / 72);
    expect(hi).toBeGreaterThan(65 / 72);
    expect(hi - lo).toBeGreaterThan(0.13); // Wilson(65, 72) is 0.1322 wide
  });
});

describe('assay compare on results JSON files with repeats on both sides', () => {
  let cmp: CliResult;
  let work: { dir: string; cleanup(): void };
  beforeAll(async () => {
    // No store anywhere near: two results files are enough.
    work = tempDir('assay-compare-json-');
    cmp = await runCli(
      [
        'compare',
        join(suite.dir, 'base.json'),
        join(suite.dir, 'cand.json'),
        '--json',
        'cmp.json',
        '--markdown',
        'cmp.md',
        '--fail-on',
        'regression',
      ],
      { cwd: work.dir },
    );
  });
  afterAll(() => work?.cleanup());

  it('compares per-case means with the sign-flip test and flags the stratum that got worse', () => {
    expect(candRun.code).toBe(0);
    expect(cand.summary.repeats.flaky.count).toBe(14); // c01, c02 and the 12 cases of type b
    expect(cmp.stderr).toBe('');
    expect(cmp.code).toBe(1);
    expect(existsSync(join(work.dir, '.assay'))).toBe(false);
    const json = JSON.parse(readFileSync(join(work.dir, 'cmp.json'), 'utf8'));
    const row = (metric: string, stratum: string) =>
      json.rows.find(
        (r: { metric: string; stratum: string }) => r.metric === metric && r.stratum === stratum,
      );
    const b = row('pass', 'type=b');
    expect(b).toMatchObject({ n: 12, test: 'sign-flip', verdict: 'regressed' });
    expect(b.baseline.value).toBe(1);
    expect(b.candidate.value).toBeCloseTo(1 / 3, 12);
    // 12 equal drops: exact p = 2 / 2^12.
    expect(b.p).toBeCloseTo(2 / 4096, 12);
    expect(row('pass', 'type=a')).toMatchObject({ verdict: 'no significant change', p: 1 });
    expect(row('mentions', 'type=b').verdict).toBe('regressed');
    expect(json.onlyInBaseline).toEqual([]);
    expect(json.regressions).toHaveLength(4); // pass and mentions, on all and on type=b
    // Pass-rate intervals clustered by case: every try of the baseline passed, so its 12 cases count
    // once each, Wilson(12, 12); the candidate passed 1 of 3 on every case, no between-case
    // variance, so its 36 tries count in full, Wilson(12, 36).
    expect(cmp.stdout).toMatch(
      /pass\s+type=b\s+12\s+100\.0% \[75\.8%, 100\.0%\]\s+33\.3% \[20\.2%, 49\.7%\]\s+-66\.7 pt\s+sign-flip.*regressed/,
    );
    expect(cmp.stdout).toContain(
      'Regressed: pass on all; pass on type=b; mentions on all; mentions on type=b',
    );
  });

  it('writes the Markdown for a PR comment', () => {
    const md = readFileSync(join(work.dir, 'cmp.md'), 'utf8');
    expect(md).toContain('**4 significant regression(s)**');
    // Markdown metacharacters in cells are escaped (`\[`).
    expect(md).toContain(
      '| 🔴 | pass | type=b | 12 | 100.0% \\[75.8%, 100.0%\\] | 33.3% \\[20.2%, 49.7%\\] |',
    );
    expect(md).toMatch(/\| ⚪ \| pass \| type=a \| 12 \|/);
  });
});

describe('--repeat bypasses the response cache', () => {
  let server: FakeOpenAI;
  let s: TempSuite;
  beforeAll(async () => {
    server = await startFakeOpenAI({ latencyMs: 1 });
    s = makeSuite({ cases: numberedCases(5), config: openaiConfig(server.baseURL) });
  });
  afterAll(async () => {
    await server?.close();
    s?.cleanup();
  });

  it('the server sees 3 calls per case with --repeat 3, even when the cache already holds the answers', async () => {
    const env = { env: { TEST_API_KEY: 'sk-repeat' }, cwd: s.dir };
    const first = await runCli(['eval', '-c', s.config, '--db', s.db], env);
    expect(first.code).toBe(0);
    expect(server.stats.chat).toBe(5);
    // The cache works: the same run again makes no call.
    const again = await runCli(['eval', '-c', s.config, '--db', s.db], env);
    expect(again.code).toBe(0);
    expect(server.stats.chat).toBe(5);

    const repeated = await runCli(
      ['eval', '-c', s.config, '--db', s.db, '--repeat', '3', '-o', 'r.json'],
      env,
    );
    expect(repeated.code).toBe(0);
    expect(server.stats.chat).toBe(5 + 15);
    for (let i = 1; i <= 5; i++) expect(server.count(`question ${i}`)).toBe(1 + 3);
    const json = readJson(join(s.dir, 'r.json'));
    expect(json.results).toHaveLength(15);
    expect(json.results.every((r) => r.cached === false)).toBe(true);
  });
});
