import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRuns } from '../src/compare/analyze.js';
import { sideFromResults } from '../src/compare/sides.js';
import { kyselyAlertStore } from '../src/store/alert-store.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { seedFixtureRun, XSS_CASE_ID, XSS_OUTPUT } from './fixtures/report-run.js';
import { seedSyntheticRun } from './fixtures/synthetic-runs.js';
import { plantTraffic } from './fixtures/traffic.js';
import { CHROMIUM, chromiumMissing, HAVE_CHROMIUM, launchChromium } from './helpers/chromium.js';
import { expectFits, expectInert, pageLog, shot, watchPage } from './helpers/page-checks.js';
import { startAssayServe } from './helpers/web-server.js';

if (!HAVE_CHROMIUM) console.warn(chromiumMissing('web-e2e'));

describe.skipIf(!HAVE_CHROMIUM)(
  `the web app in headless Chromium${HAVE_CHROMIUM ? '' : ` (skipped: no ${CHROMIUM})`}`,
  () => {
    let dir: string;
    let server: Awaited<ReturnType<typeof startAssayServe>>;
    let token: string;
    let browser: Browser;
    let page: Page;
    const log = pageLog();

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'assay-web-e2e-'));
      const store = await openSqliteStore(join(dir, 'assay.db'));
      await seedSyntheticRun(store, {
        id: 'nightly-0412',
        createdAt: '2025-01-10T10:00:00.000Z',
        size: 400,
        failEvery: 10,
        description: 'Nightly, prompt v12',
      });
      await seedSyntheticRun(store, {
        id: 'nightly-0413',
        createdAt: '2025-01-11T10:00:00.000Z',
        size: 400,
        failEvery: 3,
        description: 'Nightly, prompt v13',
      });
      await seedSyntheticRun(store, {
        id: 'nightly-0414',
        createdAt: '2025-01-12T10:00:00.000Z',
        size: 400,
        failEvery: 8,
        status: 'running',
        stored: 150,
        description: 'Nightly, prompt v14 (running)',
      });
      const a = await sideFromResults('nightly-0412', 'nightly-0412', store.results('nightly-0412'));
      const b = await sideFromResults('nightly-0413', 'nightly-0413', store.results('nightly-0413'));
      await store.saveArtifact('nightly-0413', 'comparison', compareRuns(a, b));
      await seedFixtureRun(store, { id: 'support-0115', baselineId: 'support-0114' });
      await store.close();
      server = await startAssayServe(join(dir, 'assay.db'));
      token = server.key;
      const project = (await server.store.projectByName('default'))!;
      await plantTraffic(server.store, project.id, [
        {
          traces: 40,
          errorEvery: 0,
          latencyMs: 200,
          model: 'gpt-4o-mini',
          segment: 'free',
          thumbsDownEvery: 10,
        },
        {
          traces: 60,
          errorEvery: 4,
          latencyMs: 900,
          model: 'gpt-4o',
          segment: 'pro',
          thumbsDownEvery: 2,
          output: `${XSS_OUTPUT} <a href="javascript:window.__pwned=5">click</a>`,
        },
        {
          traces: 30,
          errorEvery: 0,
          latencyMs: 250,
          model: 'gpt-4o-mini',
          segment: 'free',
          thumbsDownEvery: 10,
          promptVersion: 'support-v2',
        },
      ]);
      // A planted alert, as `assay monitor run` records one.
      const side = await openSqliteStore(join(dir, 'assay.db'));
      await kyselyAlertStore(side.db).saveAlert({
        id: 'alert-1',
        projectId: project.id,
        kind: 'drift.outputs.refusal',
        segment: 'segment=pro',
        window: { from: '2025-01-15T01:00:00.000Z', to: '2025-01-15T02:00:00.000Z' },
        statistic: 12.5,
        p: 0.0004,
        message: 'refusal rate rose from 3% to 25% <script>window.__pwned = 6</script>',
        createdMs: Date.now(),
        notified: false,
      });
      await side.close();
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      watchPage(page, log, server.url);
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('sends a visitor without a session to sign in, and back to the page asked for', async () => {
      await page.goto(`${server.url}/?status=completed`);
      await page.waitForURL(/\/sign-in\?next=/);
      await shot(page, 'web-sign-in');
      await page.getByLabel('API key').fill(token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${server.url}/?status=completed`);
      await expect.poll(() => page.locator('table.data tbody tr').count(), { timeout: 15_000 }).toBe(4);
    });

    it('lists the runs with pass rates, intervals, a live run and a flagged regression', async () => {
      await page.goto(`${server.url}/`);
      const rows = page.locator('table.data tbody tr');
      await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(5);
      const regressed = page.locator('tr.row-regressed');
      expect(await regressed.count()).toBe(1);
      expect(await regressed.textContent()).toContain('nightly-0413');
      expect(await regressed.textContent()).toMatch(/regressed vs nightly-0412/);
      const row = (id: string) =>
        page.locator('tbody tr').filter({ has: page.getByRole('link', { name: id, exact: true }) });
      const live = row('nightly-0414');
      expect(await live.textContent()).toMatch(/running/);
      expect(await live.textContent()).toMatch(/150 of 400 results/);
      expect(await row('nightly-0412').textContent()).toMatch(/90\.0%/);
      await shot(page, 'web-runs');
      await page.getByLabel('Status').selectOption('running');
      await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(1);
      expect(page.url()).toContain('status=running');
      await expectFits(page, 'runs page');
    });

    it('opens a run: summary, strata with intervals, gates, failure analysis, and filters its case table', async () => {
      await page.goto(`${server.url}/runs/support-0115`);
      await page.getByRole('heading', { name: /Run support-0115/ }).waitFor();
      for (const section of ['Gates', 'Evaluators', 'Pass rate by stratum', 'Failure analysis', 'Cases'])
        await page.getByRole('heading', { name: section, exact: true }).waitFor();
      await page.getByText(/failed at retrieval/).waitFor();
      const count = page.getByTestId('result-count');
      await expect.poll(() => count.textContent(), { timeout: 15_000 }).toBe('62 matching results');
      await shot(page, 'web-run');
      await page.getByRole('combobox', { name: 'Status' }).selectOption('error');
      await expect.poll(() => count.textContent(), { timeout: 15_000 }).toBe('2 matching results');
      expect(new URL(page.url()).searchParams.get('status')).toBe('error');
      await page.getByRole('combobox', { name: 'Status' }).selectOption('');
      await page.getByLabel('Search').fill('starter plan');
      await expect
        .poll(() => new URL(page.url()).searchParams.get('q'), { timeout: 15_000 })
        .toBe('starter plan');
      await expect.poll(() => count.textContent(), { timeout: 15_000 }).not.toBe('62 matching results');
      const n = Number((await count.textContent())!.split(' ')[0]);
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThan(62);
      // The URL alone restores the filtered table.
      await page.reload();
      await expect.poll(() => count.textContent(), { timeout: 15_000 }).toBe(`${n} matching results`);
      await expectInert(page, log, 'run page');
      await expectFits(page, 'run page');
    });

    it('opens a case: hostile output shown as text, with the diff, scores and reasons, prompt, provenance', async () => {
      await page.goto(`${server.url}/runs/support-0115?q=${encodeURIComponent('xss-')}&target=rag-bot`);
      await page.getByRole('link', { name: XSS_CASE_ID }).click();
      await page.getByRole('heading', { name: 'Output and expected' }).waitFor();
      expect(await page.getByTestId('case-output').textContent()).toBe(XSS_OUTPUT);
      await page.getByText('expected "refusal" not found in the output').waitFor();
      await page.getByText('You are the Acme support assistant', { exact: false }).first().waitFor();
      await page.getByRole('heading', { name: 'Provenance' }).waitFor();
      expect(await page.locator('pre.diff del').count()).toBeGreaterThan(0);
      await shot(page, 'web-case');
      await expectInert(page, log, 'case page');
      await expectFits(page, 'case page');
    });

    it('compares two runs picked on the runs page, and shows a changed case side by side', async () => {
      await page.goto(`${server.url}/`);
      await page.getByLabel('Select run nightly-0412 for comparison').check();
      await page.getByLabel('Select run nightly-0413 for comparison').check();
      await page.getByRole('button', { name: /Compare selected/ }).click();
      await page.waitForURL(/\/compare\?baseline=nightly-0412&candidate=nightly-0413/);
      const table = page.getByTestId('compare-table');
      await table.waitFor();
      const all = table.locator('tr', { hasText: /^pass\s*all/ });
      expect(await all.first().textContent()).toMatch(/regressed/);
      await page
        .getByRole('alert')
        .filter({ hasText: /significant regression/ })
        .waitFor();
      await shot(page, 'web-compare');
      await page.locator('ul.changed a').first().click();
      await page.getByRole('heading', { name: /side by side/ }).waitFor();
      await expect
        .poll(() => page.getByTestId('side-baseline').textContent(), { timeout: 15_000 })
        .toMatch(/Here is the answer/);
      await expect
        .poll(() => page.getByTestId('side-candidate').textContent(), { timeout: 15_000 })
        .toMatch(/not sure/);
      // The diff is of the two answers shown above it: the baseline's words struck, the candidate's added.
      const words = async (tag: string) =>
        (await page.locator(`pre.diff ${tag}`).allTextContents()).join(' ');
      await expect.poll(() => words('ins'), { timeout: 15_000 }).toMatch(/sure/);
      expect(await words('del')).toMatch(/answer/);
      await expectInert(page, log, 'compare page');
    });

    it('charts production traffic, lists a planted alert, and drills down from it and from a chart point to traces and to one trace', async () => {
      const window = 'from=2025-01-15T00:00:00.000Z&to=2025-01-15T03:00:00.000Z&bucket=1h';
      await page.goto(`${server.url}/monitoring?${window}`);
      const table = page.getByTestId('traffic-table');
      await table.waitFor();
      await expect.poll(() => table.locator('tbody tr').count(), { timeout: 15_000 }).toBe(3);
      expect(await page.locator('.chart canvas').count()).toBe(7);
      // The hour with 25% errors is flagged.
      const bad = table.locator('tr.row-regressed');
      expect(await bad.count()).toBe(1);
      expect(await bad.textContent()).toMatch(/2025-01-15 01:00.*60.*25\.0%/);
      const alerts = page.getByTestId('alerts');
      await alerts.waitFor();
      expect(await alerts.textContent()).toContain(
        'refusal rate rose from 3% to 25% <script>window.__pwned = 6</script>',
      );
      await shot(page, 'web-monitoring');
      await alerts.getByRole('link', { name: 'the traces behind it' }).click();
      await page.waitForURL(/\/monitoring\/traces\?from=2025-01-15T01%3A00/);
      await expect
        .poll(() => page.getByTestId('trace-list').locator('tbody tr').count(), { timeout: 15_000 })
        .toBe(50);
      await page.goBack();
      await table.waitFor();
      // A click on the middle of a chart drills down to the traces of that bucket.
      const over = page.locator('.chart .u-over').first();
      const box = (await over.boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      await page.waitForURL(/\/monitoring\/traces\?from=2025-01-15T01%3A00/);
      const list = page.getByTestId('trace-list');
      await expect.poll(() => list.locator('tbody tr').count(), { timeout: 15_000 }).toBe(50);
      await page.getByRole('button', { name: /Older traces/ }).click();
      await expect.poll(() => list.locator('tbody tr').count(), { timeout: 15_000 }).toBe(10);
      await list.locator('tbody tr a').first().click();
      await page.getByRole('heading', { name: /^Trace / }).waitFor();
      await page.getByText('gpt-4o', { exact: false }).first().waitFor();
      await page.getByText('helpfulness').first().waitFor();
      await page.getByRole('heading', { name: /Feedback \(1\)/ }).waitFor();
      expect(
        await page.locator('pre.text', { hasText: 'window.__pwned = 1' }).first().textContent(),
      ).toContain('<script>window.__pwned = 1</script>');
      await shot(page, 'web-trace');
      await expectInert(page, log, 'trace page');
      await expectFits(page, 'trace page');
    });

    it('slices the monitoring page by prompt version, kept in the URL and carried to the drill-down', async () => {
      const window = 'from=2025-01-15T00:00:00.000Z&to=2025-01-15T03:00:00.000Z&bucket=1h';
      await page.goto(`${server.url}/monitoring?${window}`);
      const table = page.getByTestId('traffic-table');
      await expect.poll(() => table.locator('tbody tr').count(), { timeout: 15_000 }).toBe(3);
      const select = page.getByLabel('Prompt version');
      await expect.poll(() => select.locator('option').allTextContents()).toEqual(['all', 'support-v2']);
      await select.selectOption('support-v2');
      await page.waitForURL(/promptVersion=support-v2/);
      await expect.poll(() => table.locator('tbody tr').count(), { timeout: 15_000 }).toBe(1);
      expect(await table.locator('tbody tr').textContent()).toMatch(/2025-01-15 02:00.*30/);
      await page.reload();
      await expect.poll(() => select.inputValue(), { timeout: 15_000 }).toBe('support-v2');
      await table.locator('tbody tr a').first().click();
      await page.waitForURL(/\/monitoring\/traces\?.*promptVersion=support-v2/);
      const list = page.getByTestId('trace-list');
      await expect.poll(() => list.locator('tbody tr').count(), { timeout: 15_000 }).toBe(30);
      expect(await page.locator('p.lead').textContent()).toContain('prompt support-v2');
    });

    it('keeps every page inside a phone-width screen', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      for (const path of [
        '/',
        '/runs/support-0115',
        '/compare?baseline=support-0114&candidate=support-0115',
      ]) {
        await page.goto(`${server.url}${path}`);
        await page.locator('h1').first().waitFor();
        await page.waitForLoadState('networkidle');
        await expectFits(page, `${path} at 390 px`);
      }
      await shot(page, 'web-phone');
      await page.setViewportSize({ width: 1280, height: 900 });
    });

    it('loaded nothing from another origin and logged no error', () => {
      expect(log.offsite).toEqual([]);
      expect(log.problems).toEqual([]);
    });
  },
);
