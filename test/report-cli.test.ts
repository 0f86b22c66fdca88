import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../src/store/sqlite.js';
import { seedFixtureRun } from './fixtures/report-run.js';
import { ensureBuilt, ROOT } from './helpers/build.js';
import { runCli } from './helpers/cli.js';

const QUICKSTART = join(ROOT, 'examples', 'quickstart', 'assay.yaml');

describe('assay report, assay eval --html/--junit/--markdown, assay show --failures', () => {
  let dir: string;
  let db: string;

  beforeAll(async () => {
    await ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'assay-report-cli-'));
    db = join(dir, 'assay.db');
    const store = await openSqliteStore(db);
    try {
      await seedFixtureRun(store, { baselineId: 'run-fixture-0' });
    } finally {
      await store.close();
    }
  }, 300_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('assay eval writes the three reports and appends the Markdown to $GITHUB_STEP_SUMMARY', async () => {
    const summary = join(dir, 'step-summary.md');
    const r = await runCli(
      [
        'eval',
        '-c',
        QUICKSTART,
        '--db',
        db,
        '--html',
        'out/r.html',
        '--junit',
        'out/r.xml',
        '--markdown',
        'out/r.md',
      ],
      { cwd: dir, env: { GITHUB_STEP_SUMMARY: summary } },
    );
    expect(r.stderr).not.toMatch(/error:/);
    expect([0, 1]).toContain(r.code);
    const runId = /assay: run (\S+)/.exec(r.stdout)![1]!;
    expect(r.stdout).toContain('assay: HTML report written to out/r.html');
    expect(r.stdout).toContain('assay: summary added to $GITHUB_STEP_SUMMARY');
    const html = readFileSync(join(dir, 'out', 'r.html'), 'utf8');
    expect(html).toContain('<script type="application/json" id="assay-data">');
    expect(html).toContain(runId);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    const xml = readFileSync(join(dir, 'out', 'r.xml'), 'utf8');
    expect((xml.match(/<testcase /g) ?? []).length).toBe(30);
    const md = readFileSync(join(dir, 'out', 'r.md'), 'utf8');
    expect(md).toContain(`run \`${runId}\``);
    expect(readFileSync(summary, 'utf8')).toBe(`${md}\n`);
  });

  it('assay report regenerates every format from the store, and prints the Markdown with no file flag', async () => {
    const r = await runCli(
      [
        'report',
        'run-fixture-1',
        '--db',
        db,
        '--html',
        'a.html',
        '--junit',
        'a.xml',
        '--markdown',
        'a.md',
        '--json',
        'a.json',
      ],
      { cwd: dir },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const f of ['a.html', 'a.xml', 'a.md', 'a.json']) expect(existsSync(join(dir, f))).toBe(true);
    const json = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8')) as { results: unknown[] };
    expect(json.results).toHaveLength(62);

    const printed = await runCli(['report', 'run-fixture-1', '--db', db, '--baseline', 'run-fixture-0'], {
      cwd: dir,
    });
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain('### ❌ Assay: 41/60 passed (68.3%) · run `run-fixture-1`');
    expect(printed.stdout).toContain('Δ vs baseline');
    expect(printed.stdout).toContain('| type=legacy | 50.0% |');
  });

  it('assay show --failures lists clusters, the retrieval/generation split and the worst failures', async () => {
    const r = await runCli(['show', 'run-fixture-1', '--db', db, '--failures'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Failures: 19 failed · 1 target error · 1 evaluator error (of 62 results)');
    expect(r.stdout).toContain(
      'Retrieval vs generation (18 attributable): retrieval 12 (66.7%) · generation 6 (33.3%)',
    );
    expect(r.stdout).toMatch(/6 +6 +legacy, plan, deprecated, discontinued/);
    expect(r.stdout).toMatch(/✘ rag-bot\/\S+ +type=/);
    expect(r.stdout).toContain('! rag-bot/down-1');
  });

  it('names a run that is not in the store, with the usage exit code', async () => {
    const r = await runCli(['report', 'no-such-run', '--db', db], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('assay: error: no run "no-such-run" in the store\n');
  });
});
