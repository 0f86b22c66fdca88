import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ResultRecord, RunRecord } from '../src/core/run.js';
import { HtmlDataBuilder } from '../src/report/html/report-data.js';
import { writeHtmlReport } from '../src/report/html/write-html.js';
import { writeReports } from '../src/report/run-reports.js';
import { openReportSource } from '../src/report/source.js';
import { SummaryBuilder } from '../src/runner/summary.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { REASONING, seedFixtureRun, XSS_CASE_ID, XSS_OUTPUT } from './fixtures/report-run.js';
import { CHROMIUM, chromiumMissing, HAVE_CHROMIUM, launchChromium } from './helpers/chromium.js';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

if (!HAVE_CHROMIUM) console.warn(chromiumMissing('report-html'));

describe.skipIf(!HAVE_CHROMIUM)(
  `the HTML report in headless Chromium${HAVE_CHROMIUM ? '' : ` (skipped: no ${CHROMIUM})`}`,
  () => {
    let dir: string;
    let file: string;
    let run: RunRecord;
    let browser: Browser;
    let page: Page;
    const problems: string[] = [];
    const requests: string[] = [];
    const dialogs: string[] = [];

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'assay-html-'));
      const store = await openSqliteStore(join(dir, 'assay.db'));
      try {
        ({ run } = await seedFixtureRun(store));
        file = join(dir, 'report.html');
        await writeReports(await openReportSource(store, run.id), { html: file });
      } finally {
        await store.close();
      }
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
      });
      page.on('request', (r) => requests.push(r.url()));
      page.on('dialog', async (d) => {
        dialogs.push(d.message());
        await d.dismiss();
      });
    });

    // Each test starts from a freshly loaded page, so one failure leaves no filter behind.
    beforeEach(async () => {
      await page.goto('about:blank');
      await page.goto(pathToFileURL(file).href);
      await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
    });

    afterAll(async () => {
      await browser?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('renders the summary cards, the charts and the failure analysis, offline and within its CSP', async () => {
      const s = run.summary!;
      const cards = await page.locator('#cards .card').allInnerTexts();
      expect(cards[0]).toContain(pct(s.passRate));
      expect(cards[0]).toContain(`${pct(s.interval![0])}–${pct(s.interval![1])}`);
      expect(cards.join('\n')).toContain(`${s.errors}`);
      expect(await page.locator('#run-title').textContent()).toContain(run.id);
      // Evaluated in the page (a string: this project's TypeScript has no DOM types).
      const drawn = (await page.evaluate(
        `['chart-strata', 'chart-scores', 'chart-latency'].map((id) => {
          const chart = Chart.getChart(document.getElementById(id));
          return chart ? chart.data.datasets.reduce((n, d) => n + d.data.length, 0) : 0;
        })`,
      )) as number[];
      for (const points of drawn) expect(points).toBeGreaterThan(0);
      expect(await page.locator('#attribution').textContent()).toMatch(/retrieval 12 .*generation 6/s);
      const clusters = await page.locator('#clusters .cluster-terms').allInnerTexts();
      expect(clusters.join(' | ')).toMatch(/legacy/);
      expect(clusters.join(' | ')).toMatch(/refund/);
      expect(clusters.join(' | ')).toMatch(/password/);
      expect(requests.every((u) => u.startsWith('file:') || u.startsWith('data:'))).toBe(true);
      expect(problems).toEqual([]);
    });

    it('filters to one tag, showing only its cases', async () => {
      await page.selectOption('#filter-tag', 'type=legacy');
      const rows = page.locator('#results-body tr');
      expect(await rows.count()).toBe(12);
      for (const tags of await page.locator('#results-body td.tags').allInnerTexts())
        expect(tags).toContain('type=legacy');
      expect(await page.locator('#result-count').textContent()).toBe('12 of 62 results');
      await page.selectOption('#filter-status', 'pass');
      expect(await page.locator('#result-count').textContent()).toBe('6 of 62 results');
      await page.click('#filter-reset');
      expect(await page.locator('#result-count').textContent()).toBe('62 of 62 results');
    });

    it('searches, sorts and pages', async () => {
      expect(await page.locator('#results-body tr').count()).toBe(50);
      await page.click('#page-next');
      expect(await page.locator('#results-body tr').count()).toBe(12);
      expect(await page.locator('#page-info').textContent()).toBe('page 2 of 2');
      await page.fill('#filter-search', 'duplicate charge');
      await expect.poll(() => page.locator('#result-count').textContent()).toBe('4 of 62 results');
      await page.fill('#filter-search', '');
      // The search box applies after a short pause: wait for it before sorting.
      await expect.poll(() => page.locator('#result-count').textContent()).toBe('62 of 62 results');
      await page.click('th[data-sort="latency"]');
      await page.click('th[data-sort="latency"]');
      expect(await page.locator('th[data-sort="latency"]').getAttribute('aria-sort')).toBe('descending');
      const first = await page.locator('#results-body tr:first-child td.num').textContent();
      expect(first).toBe(`${Math.round(run.summary!.latencyMs.max)} ms`);
      await page.click('#filter-reset');
    });

    it("opens a case's detail: prompt, output, expected, scores with the judge's reasoning, word diff, contexts", async () => {
      await page.selectOption('#filter-tag', 'type=legacy');
      await page.click('#results-body tr[data-id="rag-bot/legacy-1"]');
      const detail = page.locator('#detail');
      await detail.waitFor({ state: 'visible' });
      expect(await page.locator('#detail-title').textContent()).toBe('legacy-1 · rag-bot');
      const text = await detail.textContent();
      expect(text).toContain('Is the Legacy Basic plan still supported after it was deprecated?');
      expect(text).toContain('You are the Acme support assistant');
      expect(text).toContain('The legacy answer number 1');
      expect(text).toContain('expected "The legacy answer number 1" not found in the output');
      expect(await page.locator('details.reasoning pre').textContent()).toBe(REASONING);
      expect(await page.locator('.diff del').first().textContent()).toContain('legacy answer number 1');
      expect(await page.locator('.diff ins').first().textContent()).toContain('Starter plan');
      expect(text).toContain('Retrieval failure: expected source not retrieved (kb-legacy)');
      expect(page.url()).toContain('#case=rag-bot%2Flegacy-1');
      await page.screenshot({ path: 'test-results/report-detail.png' });
      await page.keyboard.press('Escape');
      await detail.waitFor({ state: 'hidden' });
      await page.click('#filter-reset');
    });

    it('shows <script> and onerror= payloads as text and runs none of them', async () => {
      await page.fill('#filter-search', 'xss-');
      await expect.poll(() => page.locator('#result-count').textContent()).toBe('2 of 62 results');
      await page.click('#results-body tr[data-id^="rag-bot/xss-"]');
      await page.locator('#detail').waitFor({ state: 'visible' });
      expect(await page.locator('#detail pre.output').textContent()).toBe(XSS_OUTPUT);
      expect(await page.locator('#detail-title').textContent()).toBe(`${XSS_CASE_ID} · rag-bot`);
      const state = await page.evaluate(
        `({ pwned: window.__pwned, images: document.querySelectorAll('img').length, scripts: document.querySelectorAll('script').length })`,
      );
      expect(state).toEqual({ pwned: undefined, images: 0, scripts: 3 });
      expect(dialogs).toEqual([]);
      expect(problems).toEqual([]);
      await page.keyboard.press('Escape');
      await page.fill('#filter-search', '');
    });

    it('keeps 10,000 results in pages of 50, filterable and sortable', async () => {
      const data = new HtmlDataBuilder();
      const summary = new SummaryBuilder();
      for (let i = 0; i < 10_000; i++) {
        const r: ResultRecord = {
          runId: 'big',
          caseId: `case-${String(i).padStart(5, '0')}`,
          target: 'bot',
          repeat: 0,
          tags: { type: ['a', 'b', 'c', 'd'][i % 4]! },
          output: { text: `answer ${i}`, latencyMs: (i * 7919) % 3000 },
          pass: i % 3 !== 0,
          scores: [{ evaluator: 'exact', value: i % 3 ? 1 : 0, pass: i % 3 !== 0 }],
          latencyMs: (i * 7919) % 3000,
        };
        data.add(r, undefined, undefined);
        summary.add(r);
      }
      const big = join(dir, 'big.html');
      await writeHtmlReport(big, {
        run: { ...run, id: 'big', summary: undefined },
        summary: summary.build(0),
        data,
      });
      await page.goto(pathToFileURL(big).href);
      await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 60_000 });
      expect(await page.locator('#results-body tr').count()).toBe(50);
      expect(await page.locator('#result-count').textContent()).toBe('10,000 of 10,000 results');
      expect(await page.locator('#page-info').textContent()).toBe('page 1 of 200');
      await page.selectOption('#filter-status', 'fail');
      expect(await page.locator('#result-count').textContent()).toBe('3,334 of 10,000 results');
      await page.click('th[data-sort="case"]');
      await page.click('th[data-sort="case"]');
      expect(await page.locator('#results-body tr:first-child td:first-child').textContent()).toBe(
        'case-09999',
      );
      expect(problems).toEqual([]);
    });

    it('opens the case a link names (#case=…)', async () => {
      await page.goto('about:blank');
      await page.goto(`${pathToFileURL(file).href}#case=${encodeURIComponent('rag-bot/refund-2')}`);
      await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
      await page.locator('#detail').waitFor({ state: 'visible' });
      expect(await page.locator('#detail-title').textContent()).toBe('refund-2 · rag-bot');
      expect(await page.locator('#detail').textContent()).toContain('Generation failure');
      await page.keyboard.press('Escape');
      mkdirSync('test-results', { recursive: true });
      await page.screenshot({ path: 'test-results/report.png', fullPage: true });
      expect(existsSync('test-results/report.png')).toBe(true);
    });
  },
);
