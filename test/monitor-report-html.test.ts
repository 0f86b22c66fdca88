import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultRecord, RunRecord } from '../src/core/run.js';
import { SummaryBuilder } from '../src/runner/summary.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { traceStoreOn } from '../src/store/trace-store.js';
import { backfillTraffic } from './helpers/backfill-traffic.js';
import { CHROMIUM, chromiumMissing, HAVE_CHROMIUM, launchChromium } from './helpers/chromium.js';
import { runCli } from './helpers/cli.js';
import { DAY, START, syntheticTraffic } from './helpers/synthetic-traffic.js';

const iso = (day: number) => new Date(START + day * DAY).toISOString();
const HOSTILE_INPUT = ' <img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
const HOSTILE_SEGMENT = '</script><script>window.__pwned=3</script>';
const NEW_TOPIC = /thermostat|vacuum|earbuds|camera/;

/** A nightly run whose pass rate is `rate` (400 cases, so rates rarely tie). */
function nightly(day: number, rate: number): { run: RunRecord; results: ResultRecord[] } {
  const id = `nightly-${day}`;
  const builder = new SummaryBuilder();
  const results: ResultRecord[] = Array.from({ length: 400 }, (_, i) => {
    const pass = i < Math.round(rate * 400);
    return {
      runId: id,
      caseId: `c${i}`,
      target: 'bot',
      repeat: 0,
      tags: {},
      output: { text: 'answer', latencyMs: 10 },
      pass,
      scores: [{ evaluator: 'exact', value: pass ? 1 : 0, pass }],
      latencyMs: 10,
    };
  });
  for (const r of results) builder.add(r);
  const run = {
    id,
    createdAt: new Date(START + day * DAY + 2 * 3_600_000).toISOString(),
    finishedAt: new Date(START + day * DAY + 3 * 3_600_000).toISOString(),
    status: 'completed',
    configHash: 'cfg-nightly',
    provenance: {
      assayVersion: '0.1.0',
      nodeVersion: 'v20.18.0',
      dataset: { name: 'golden', version: 'v1', cases: 400 },
      targets: [{ id: 'bot', provider: 'function' }],
      evaluators: [],
      configHash: 'cfg-nightly',
    },
    summary: builder.build(1000),
  } as RunRecord;
  return { run, results };
}

let dir: string;
let file: string;
let cli: { code: number | null; stdout: string; stderr: string };

/**
 * 24 days of 100 traces a day, backfilled: 30% of inputs on a new topic from day 18, each of them
 * carrying markup; a few traces in a segment named like a closing script tag. Nightly runs whose
 * pass rate is the day's thumbs-up rate for 16 days, then moves against it.
 */
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'assay-monitor-report-'));
  const db = join(dir, 'assay.db');
  const traffic = syntheticTraffic({
    days: 24,
    perDay: 100,
    seed: 9,
    topicShift: { day: 18, share: 0.3 },
    feedbackShare: 0.6,
  });
  traffic.forEach((t, i) => {
    if (NEW_TOPIC.test(t.input)) t.input += HOSTILE_INPUT;
    if (i % 97 === 0) t.tags = { segment: HOSTILE_SEGMENT };
  });
  const sqlite = await openSqliteStore(db);
  for (let d = 0; d < 24; d++) {
    const rated = traffic.filter(
      (t) => t.timestamp >= START + d * DAY && t.timestamp < START + (d + 1) * DAY,
    );
    const withThumbs = rated.filter((t) => t.feedback?.length);
    const up = withThumbs.filter((t) => t.feedback![0]!.value > 0).length / withThumbs.length;
    const { run, results } = nightly(d, d < 16 ? up : 1.7 - up);
    await sqlite.createRun(run);
    await sqlite.saveResults(results);
  }
  const store = traceStoreOn(sqlite);
  await backfillTraffic(store, traffic);
  await store.close();
  writeFileSync(
    join(dir, 'monitor.yaml'),
    `monitor:
  drift:
    reference: { from: ${iso(0).slice(0, 10)}, to: ${iso(13).slice(0, 10)} }
  correlation: { offline: pass-rate, online: thumbs-up-rate, periods: 8, alertBelow: 0.7 }
`,
  );
  file = join(dir, 'out', 'monitor.html');
  cli = await runCli(
    [
      'monitor',
      'report',
      '--from',
      iso(0),
      '--to',
      iso(24),
      '--html',
      file,
      '--db',
      db,
      '-c',
      'monitor.yaml',
    ],
    { cwd: dir, timeoutMs: 300_000 },
  );
}, 400_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('assay monitor report --html', () => {
  it('writes one self-contained file: strict CSP, no external reference, the data escaped', () => {
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(
      /^assay monitor: report of 24 windows, \d+ alerts written to .*monitor\.html\n$/,
    );
    const html = readFileSync(file, 'utf8');
    expect(html).toMatch(
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-/,
    );
    // Nothing loaded from elsewhere (the browser test below also watches the requests).
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|<img|<iframe/);
    // The hostile segment name and inputs are inside the JSON block, escaped, not markup.
    expect(html).not.toContain(HOSTILE_SEGMENT);
    expect(html).not.toContain('<img src=x');
    expect(html.match(/<script/g)).toHaveLength(3);
  });

  it('refuses to run without --html, in one line', async () => {
    const r = await runCli(['monitor', 'report', '--db', join(dir, 'assay.db')], { cwd: dir });
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--html FILE/);
  });
});

if (!HAVE_CHROMIUM) console.warn(chromiumMissing('monitor-report-html'));

describe.skipIf(!HAVE_CHROMIUM)(
  `the monitoring report in headless Chromium${HAVE_CHROMIUM ? '' : ` (skipped: no ${CHROMIUM})`}`,
  () => {
    let browser: Browser;
    let page: Page;
    const problems: string[] = [];
    const requests: string[] = [];
    const dialogs: string[] = [];

    beforeAll(async () => {
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
      await page.goto(pathToFileURL(file).href);
      await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
    });

    afterAll(async () => {
      await browser?.close();
    });

    it('opens offline within its CSP and draws every chart', async () => {
      expect(await page.locator('#report-title').textContent()).toBe('Monitoring · default');
      expect(await page.locator('#report-meta').textContent()).toMatch(/24 windows of 1d \(10 tested\)/);
      const drawn = (await page.evaluate(
        `[...document.querySelectorAll('canvas')].map((c) => [c.id, Chart.getChart(c).data.datasets.length])`,
      )) as [string, number][];
      expect(drawn.map(([id]) => id)).toEqual(
        expect.arrayContaining([
          'chart-traces',
          'chart-refusalRate',
          'chart-thumbsDownRate',
          'chart-correlation',
        ]),
      );
      for (const [, n] of drawn) expect(n).toBeGreaterThan(1);
      expect(requests.every((u) => u.startsWith('file:') || u.startsWith('data:'))).toBe(true);
      expect(problems).toEqual([]);
    });

    it('shows the planted input drift: in the alert list from day 18, none before, and marked on the traffic chart', async () => {
      const rows = await page
        .locator('#alert-table tbody tr')
        .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
      const inputs = rows.filter((r) => r[1] === 'drift.inputs');
      expect(inputs.length).toBeGreaterThan(0);
      expect([iso(18).slice(0, 10), iso(19).slice(0, 10)]).toContain(inputs[0]![0]);
      expect(rows.filter((r) => r[0]! < iso(18).slice(0, 10) && r[1]!.startsWith('drift.'))).toEqual([]);
      // One marker per drift.inputs alert, on the all-traffic line, at its window.
      const marks = (await page.evaluate(
        `Chart.getChart(document.getElementById('chart-traces')).data.datasets.find((d) => d.label === 'alert').data`,
      )) as (number | null)[];
      const marked = marks.flatMap((v, i) => (v === null ? [] : [iso(i).slice(0, 10)]));
      expect(marked).toEqual(inputs.map((r) => r[0]));
    });

    it('shows the drift examples, and hostile text in them stays text', async () => {
      const first = page.locator('details.drift-test[data-kind="drift.inputs"]').first();
      expect(await first.getAttribute('open')).not.toBeNull();
      const examples = await first.locator('pre.example-input').allTextContents();
      expect(examples.some((e) => NEW_TOPIC.test(e))).toBe(true);
      expect(examples.find((e) => NEW_TOPIC.test(e))).toContain(HOSTILE_INPUT.trim());
      const state = await page.evaluate(
        `({ pwned: window.__pwned, images: document.querySelectorAll('img').length, scripts: document.querySelectorAll('script').length })`,
      );
      expect(state).toEqual({ pwned: undefined, images: 0, scripts: 3 });
      expect(dialogs).toEqual([]);
      expect(problems).toEqual([]);
    });

    it('draws the correlation with its interval and threshold, and the divergence as an alert', async () => {
      const chart = (await page.evaluate(
        `(() => { const c = Chart.getChart(document.getElementById('chart-correlation')); return c.data.datasets.map((d) => ({ label: d.label, data: d.data })); })()`,
      )) as { label: string; data: (number | null)[] }[];
      const threshold = chart.find((d) => d.label.startsWith('threshold'))!;
      expect(new Set(threshold.data)).toEqual(new Set([0.7]));
      const rho = chart.find((d) => d.label === 'rho')!.data;
      const hi = chart.find((d) => d.label === '95% interval')!.data;
      expect(rho[0]).toBeGreaterThan(0.9);
      expect(rho[rho.length - 1]).toBeLessThan(0);
      expect(hi[hi.length - 1]).toBeLessThan(0.7);
      const verdicts = await page.locator('#correlation-table tbody tr td:last-child').allTextContents();
      expect(verdicts[verdicts.length - 1]).toBe('below');
      expect(verdicts[0]).not.toBe('below');
      const alertRows = await page.locator('#alert-table tbody tr[data-kind="correlation"]').count();
      expect(alertRows).toBeGreaterThan(0);
      await page.screenshot({ path: 'test-results/monitor-report.png', fullPage: false });
    });
  },
);
