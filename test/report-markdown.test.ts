import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mdCode, mdText } from '../src/report/markdown.js';
import { writeReports } from '../src/report/run-reports.js';
import { openReportSource } from '../src/report/source.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { seedFixtureRun } from './fixtures/report-run.js';

const EXPECTED = new URL('./fixtures/report.md', import.meta.url);

describe('the Markdown report', () => {
  let dir: string;
  let md: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'assay-md-'));
    const store = await openSqliteStore(join(dir, 'assay.db'));
    try {
      await seedFixtureRun(store, { baselineId: 'run-fixture-0' });
      const file = join(dir, 'report.md');
      const outcome = await writeReports(await openReportSource(store, 'run-fixture-1'), {
        markdown: file,
        baseline: await openReportSource(store, 'run-fixture-0'),
        reportUrl: 'https://ci.example.test/report.html',
      });
      md = readFileSync(file, 'utf8');
      expect(outcome.markdown).toBe(md);
    } finally {
      await store.close();
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('matches the reviewed fixture exactly', () => {
    expect(md).toBe(readFileSync(EXPECTED, 'utf8'));
  });

  it('gives pass rates with Wilson intervals overall and per stratum, and the change against the baseline', () => {
    expect(md).toContain('| **overall** | 68.3% | 55.8%–78.7% | 41 | 19 | 2 | −5.0 pp |');
    // The baseline's legacy rate (75%) lies above this run's interval: the drop is marked.
    expect(md).toContain('| type=legacy | 50.0% | 25.4%–74.6% | 6 | 6 | 0 | **−25.0 pp ▼** |');
    expect(md).toContain('| type=general | 100.0% | 85.1%–100.0% | 22 | 0 | 2 | +0.0 pp |');
  });

  it('says where failures concentrate and lists the worst with truncated reasons and links', () => {
    expect(md).toContain('retrieval 12 (66.7%) · generation 6 (33.3%)');
    expect(md).toMatch(/\*\*Clusters\*\*: .*legacy, plan, deprecated, discontinued \(6\)/);
    expect(md).toContain('#### Worst failures (10 of 21)');
    expect(md).toContain('[`refund-4`](https://ci.example.test/report.html#case=rag-bot%2Frefund-4)');
    for (const line of md.split('\n').filter((l) => l.startsWith('| [`')))
      expect(line.length).toBeLessThan(400);
  });

  it('escapes markup and table syntax from data', () => {
    expect(md).not.toContain('<img');
    expect(md).not.toContain('<nightly>');
    expect(mdText('a | b <b>*x*</b> [l](u)\nnext')).toBe(
      'a \\| b &lt;b&gt;\\*x\\*&lt;/b&gt; \\[l\\](u) next',
    );
    expect(mdCode('a`b|c')).toBe('`` a`b¦c ``');
  });
});
