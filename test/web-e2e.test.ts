import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monitorParts } from '../src/cli/monitor.js';
import { compareRuns } from '../src/compare/analyze.js';
import { sideFromResults } from '../src/compare/sides.js';
import { kyselyAlertStore } from '../src/store/alert-store.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import {
  DAYS,
  dayIso,
  driftedTraffic,
  ingestTraffic,
  seedNightlyRuns,
  thumbsUpByDay,
} from './fixtures/drifted-traffic.js';
import { seedFixtureRun, XSS_CASE_ID, XSS_OUTPUT } from './fixtures/report-run.js';
import { seedSyntheticRun } from './fixtures/synthetic-runs.js';
import { plantTraffic } from './fixtures/traffic.js';
import { ROOT } from './helpers/build.js';
import { CHROMIUM, chromiumMissing, HAVE_CHROMIUM, launchChromium } from './helpers/chromium.js';
import { startAssayServe } from './helpers/web-server.js';

/** `ASSAY_SCREENSHOTS=1` refreshes the screenshots under docs/ that the README shows. */
const SHOTS = process.env.ASSAY_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'screenshots') : undefined;

if (!HAVE_CHROMIUM) console.warn(chromiumMissing('web-e2e'));

describe.skipIf(!HAVE_CHROMIUM)(
  `the web app in headless Chromium${HAVE_CHROMIUM ? '' : ` (skipped: no ${CHROMIUM})`}`,
  () => {
    let dir: string;
    let server: Awaited<ReturnType<typeof startAssayServe>>;
    let token: string;
    let browser: Browser;
    let page: Page;
    const problems: string[] = [];
    const dialogs: string[] = [];
    const offsite: string[] = [];

    const shot = async (name: string) => {
      if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: false });
    };
    /** Nothing from the data ran, no link from the data is live, and the page fits its width. */
    const inert = async (where: string) => {
      expect(await page.evaluate('window.__pwned'), where).toBeUndefined();
      expect(await page.locator('a[href^="javascript:"], [onerror], [onclick]').count(), where).toBe(0);
      expect(dialogs, where).toEqual([]);
    };
    const fits = async (where: string) => {
      const overflow = (await page.evaluate(
        'document.documentElement.scrollWidth - window.innerWidth',
      )) as number;
      expect(overflow, `${where}: page wider than the viewport`).toBeLessThanOrEqual(1);
    };

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'assay-web-e2e-'));
      if (SHOTS) mkdirSync(SHOTS, { recursive: true });
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
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error' && !/401|Unauthorized/.test(m.text())) problems.push(`console: ${m.text()}`);
      });
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      page.on('request', (r) => {
        if (!r.url().startsWith(server.url)) offsite.push(r.url());
      });
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('sends a visitor without a session to sign in, and back to the page asked for', async () => {
      await page.goto(`${server.url}/?status=completed`);
      await page.waitForURL(/\/sign-in\?next=/);
      await shot('web-sign-in');
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
      await shot('web-runs');
      await page.getByLabel('Status').selectOption('running');
      await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(1);
      expect(page.url()).toContain('status=running');
      await fits('runs page');
    });

    it('opens a run: summary, strata with intervals, gates, failure analysis, and filters its case table', async () => {
      await page.goto(`${server.url}/runs/support-0115`);
      await page.getByRole('heading', { name: /Run support-0115/ }).waitFor();
      for (const section of ['Gates', 'Evaluators', 'Pass rate by stratum', 'Failure analysis', 'Cases'])
        await page.getByRole('heading', { name: section, exact: true }).waitFor();
      await page.getByText(/failed at retrieval/).waitFor();
      const count = page.getByTestId('result-count');
      await expect.poll(() => count.textContent(), { timeout: 15_000 }).toBe('62 matching results');
      await shot('web-run');
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
      await inert('run page');
      await fits('run page');
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
      await shot('web-case');
      await inert('case page');
      await fits('case page');
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
      await shot('web-compare');
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
      await inert('compare page');
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
      await shot('web-monitoring');
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
      await shot('web-trace');
      await inert('trace page');
      await fits('trace page');
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
        await fits(`${path} at 390 px`);
      }
      await shot('web-phone');
      await page.setViewportSize({ width: 1280, height: 900 });
    });

    it('loaded nothing from another origin and logged no error', () => {
      expect(offsite).toEqual([]);
      expect(problems).toEqual([]);
    });
  },
);

describe.skipIf(!HAVE_CHROMIUM)(
  `the monitoring page's drift and correlation panels in headless Chromium${HAVE_CHROMIUM ? '' : ' (skipped)'}`,
  () => {
    let dir: string;
    let server: Awaited<ReturnType<typeof startAssayServe>>;
    let browser: Browser;
    let page: Page;
    const problems: string[] = [];
    const dialogs: string[] = [];
    const range = `from=${dayIso(0)}&to=${dayIso(DAYS)}&window=1d`;

    const inert = async (where: string) => {
      expect(await page.evaluate('window.__pwned'), where).toBeUndefined();
      expect(await page.locator('a[href^="javascript:"], [onerror], [onclick]').count(), where).toBe(0);
      expect(dialogs, where).toEqual([]);
    };
    const fits = async (where: string) => {
      const overflow = (await page.evaluate(
        'document.documentElement.scrollWidth - window.innerWidth',
      )) as number;
      expect(overflow, `${where}: page wider than the viewport`).toBeLessThanOrEqual(1);
    };

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'assay-web-drift-'));
      const traffic = driftedTraffic();
      const store = await openSqliteStore(join(dir, 'assay.db'));
      // Nightly runs that predict the online thumbs-up rate until day 14, then not.
      await seedNightlyRuns(store, thumbsUpByDay(traffic), 14);
      await store.close();
      const config = join(dir, 'assay.yaml');
      writeFileSync(
        config,
        `monitor:
  drift:
    reference: { from: ${dayIso(0).slice(0, 10)}, to: ${dayIso(13).slice(0, 10)} }
    window: 1d
  correlation: { offline: pass-rate, online: thumbs-up-rate, periods: 8, alertBelow: 0.7 }
`,
      );
      // What `assay serve -c assay.yaml` runs with: the config, the local embedder.
      server = await startAssayServe(join(dir, 'assay.db'), { monitor: await monitorParts(config, {}) });
      await ingestTraffic(server.url, server.key, traffic);
      // The refusal alert of day 20, as the monitor records it.
      const side = await openSqliteStore(join(dir, 'assay.db'));
      await kyselyAlertStore(side.db).saveAlert({
        id: 'alert-refusal',
        projectId: (await server.store.projectByName('default'))!.id,
        kind: 'drift.outputs.refusal',
        window: { from: dayIso(20), to: dayIso(21) },
        statistic: 31.2,
        p: 0.0001,
        message: 'refusal rate 3.0% → 21.0%',
        createdMs: Date.now(),
        notified: false,
      });
      await side.close();
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error' && !/401|Unauthorized/.test(m.text())) problems.push(`console: ${m.text()}`);
      });
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await page.goto(`${server.url}/monitoring?${range}`);
      await page.waitForURL(/\/sign-in\?next=/);
      await page.getByLabel('API key').fill(server.key);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/monitoring\?/);
    }, 300_000);
    afterAll(async () => {
      await browser?.close();
      await server?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('shows input, output and metric drift with the traces behind each alert, as inert text, linked to the traces', async () => {
      const inputs = page.getByTestId('drift-drift.inputs');
      await inputs.waitFor({ timeout: 240_000 });
      // The topic shift: windows from day 18 (or 19) drifted, none before; the cluster that grew, with
      // the new topic's questions as examples, hostile markup shown as text, each linked to its trace.
      const alerted = await inputs.locator('tr.row-regressed td:first-child').allTextContents();
      expect([dayIso(18), dayIso(19)].map((d) => d.slice(0, 10))).toContain(alerted[0]!.slice(0, 10));
      const detail = inputs.getByTestId('drift-detail');
      expect(await detail.textContent()).toMatch(/▲ grew/);
      expect(await detail.locator('q').first().textContent()).toMatch(/thermostat|vacuum|earbuds|camera/);
      expect(await detail.textContent()).toContain('<script>window.__pwned = 7</script>');
      expect(await detail.locator('a[href^="/traces/t-"]').count()).toBeGreaterThan(0);
      // The refusal jump from day 20: refusals of the window, hostile links as text, then one trace.
      const refusal = page.getByTestId('drift-drift.outputs.refusal');
      expect(await refusal.locator('tr.row-regressed td:first-child').first().textContent()).toMatch(
        dayIso(20).slice(0, 10),
      );
      const answers = await refusal.locator('.drift-examples pre.text').allTextContents();
      expect(answers.filter((a) => a.includes("can't help"))).toHaveLength(3);
      expect(answers.join('')).toContain('<a href="javascript:window.__pwned=8">more help</a>');
      await inert('drift panels');
      expect(await page.locator('.drift-group .chart canvas').count()).toBeGreaterThan(0);
      if (SHOTS) {
        await page.evaluate("document.getElementById('drift-title').scrollIntoView()");
        await page.screenshot({ path: join(SHOTS, 'web-drift.png') });
      }
      await refusal.locator('.drift-examples a').first().click();
      await page.getByRole('heading', { name: /^Trace / }).waitFor();
      await page.getByText("I'm sorry, but I can't help", { exact: false }).first().waitFor();
      await inert('trace page from a drift example');
      await page.goBack();
      // Any window's details open from its row, and the choice is in the URL.
      const thumbs = page.getByTestId('drift-drift.metric.thumbs-down-rate');
      await thumbs.waitFor({ timeout: 60_000 });
      await thumbs.locator('tr.row-regressed').first().getByRole('button').click();
      await expect
        .poll(() => new URL(page.url()).searchParams.get('drift'), { timeout: 15_000 })
        .toMatch(/^drift\.metric\.thumbs-down-rate@2026-11-2/);
      await expect.poll(() => page.getByTestId('drift-detail').count(), { timeout: 15_000 }).toBe(1);
      expect(await thumbs.getByTestId('drift-detail').textContent()).toMatch(/thumbs-down-rate: .*→/);
      await page.reload();
      await thumbs.getByTestId('drift-detail').waitFor({ timeout: 240_000 });
      // And from there to every trace of that window.
      await thumbs.getByRole('link', { name: /^All \d+ traces of this window$/ }).click();
      await page.waitForURL(/\/monitoring\/traces\?from=2026-11-2/);
      await expect
        .poll(() => page.getByTestId('trace-list').locator('tbody tr').count(), { timeout: 15_000 })
        .toBe(50);
    }, 400_000);

    it('leads from a recorded drift alert to the test that raised it, open with its examples', async () => {
      await page.goto(`${server.url}/monitoring?${range}`);
      const alerts = page.getByTestId('alerts');
      await alerts.waitFor({ timeout: 60_000 });
      await alerts.getByRole('link', { name: 'what moved, with examples' }).click();
      await page.waitForURL(/drift=drift\.outputs\.refusal%402026-11-21/);
      expect(new URL(page.url()).searchParams.get('window')).toBe('1d');
      const detail = page.getByTestId('drift-drift.outputs.refusal').getByTestId('drift-detail');
      await detail.waitFor({ timeout: 240_000 });
      expect(await detail.locator('h4').textContent()).toMatch(/^2026-11-21 00:00 → 2026-11-22 00:00 UTC/);
      expect(await detail.locator('.drift-examples pre.text').allTextContents()).toContainEqual(
        expect.stringContaining("can't help"),
      );
      expect(await page.getByTestId('drift-detail').count()).toBe(1);
      await inert('drift panel opened from an alert');
    }, 400_000);

    it('charts the rolling offline↔online Spearman with its interval band and the 0.7 line, and ranks the predictors', async () => {
      // A model filter narrows the traffic charts, not drift or the correlation: the page says so.
      await page.goto(`${server.url}/monitoring?${range}&model=gpt-4o-mini`);
      const chart = page.getByTestId('correlation-chart');
      await chart.waitFor({ timeout: 240_000 });
      await page.getByText('the model filter does not apply to it', { exact: false }).waitFor();
      expect(await chart.locator('canvas').count()).toBe(1);
      expect(await chart.textContent()).toContain('alert below 0.7');
      const rows = page.getByTestId('correlation-table').locator('tbody tr');
      expect(await rows.count()).toBeGreaterThan(5);
      // Agreement first (runs that track the thumbs), then the divergence alerts, newest first.
      expect(await rows.first().textContent()).toMatch(/⚠ credibly under 0\.7/);
      expect(await rows.last().textContent()).toMatch(/✓ credibly at or over 0\.7/);
      const predictors = page.getByTestId('predictors');
      for (const name of ['pass-rate', 'contains', 'similar'])
        await predictors.getByRole('rowheader', { name, exact: true }).waitFor();
      if (SHOTS) {
        await page.evaluate("document.getElementById('correlation-title').scrollIntoView()");
        await page.screenshot({ path: join(SHOTS, 'web-correlation.png') });
      }
      await inert('correlation panel');
      await fits('monitoring page with drift at 1280 px');
      await page.setViewportSize({ width: 390, height: 844 });
      await page.locator('#drift-title').scrollIntoViewIfNeeded();
      await fits('monitoring page with drift at 390 px');
      await page.setViewportSize({ width: 1280, height: 900 });
      expect(problems).toEqual([]);
    }, 400_000);
  },
);
