import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monitorParts } from '../src/cli/monitor.js';
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
import { CHROMIUM, chromiumMissing, HAVE_CHROMIUM, launchChromium } from './helpers/chromium.js';
import { expectFits, expectInert, pageLog, shot, signInWithKey, watchPage } from './helpers/page-checks.js';
import { startAssayServe } from './helpers/web-server.js';

if (!HAVE_CHROMIUM) console.warn(chromiumMissing('web-drift-e2e'));

describe.skipIf(!HAVE_CHROMIUM)(
  `the monitoring page's drift and correlation panels in headless Chromium${HAVE_CHROMIUM ? '' : ` (skipped: no ${CHROMIUM})`}`,
  () => {
    let dir: string;
    let server: Awaited<ReturnType<typeof startAssayServe>>;
    let browser: Browser;
    let page: Page;
    const log = pageLog();
    const range = `from=${dayIso(0)}&to=${dayIso(DAYS)}&window=1d`;

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
      watchPage(page, log);
      await signInWithKey(page, server.url, server.key, `/monitoring?${range}`, /\/monitoring\?/);
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
      await expectInert(page, log, 'drift panels');
      expect(await page.locator('.drift-group .chart canvas').count()).toBeGreaterThan(0);
      await page.evaluate("document.getElementById('drift-title').scrollIntoView()");
      await shot(page, 'web-drift');
      await refusal.locator('.drift-examples a').first().click();
      await page.getByRole('heading', { name: /^Trace / }).waitFor();
      await page.getByText("I'm sorry, but I can't help", { exact: false }).first().waitFor();
      await expectInert(page, log, 'trace page from a drift example');
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
      await expectInert(page, log, 'drift panel opened from an alert');
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
      await page.evaluate("document.getElementById('correlation-title').scrollIntoView()");
      await shot(page, 'web-correlation');
      await expectInert(page, log, 'correlation panel');
      await expectFits(page, 'monitoring page with drift at 1280 px');
      await page.setViewportSize({ width: 390, height: 844 });
      await page.locator('#drift-title').scrollIntoViewIfNeeded();
      await expectFits(page, 'monitoring page with drift at 390 px');
      await page.setViewportSize({ width: 1280, height: 900 });
      expect(log.problems).toEqual([]);
    }, 400_000);
  },
);
