/**
 * Report generation for a 10,000-case run: `npx tsx bench/report.ts [cases]`.
 * Stores a synthetic run (one RAG target, four evaluators, ~30% failures in a few themes, judge
 * reasoning, retrieved contexts) in a temporary SQLite store, then times each format read back from the
 * store — median of 3 — and prints its size. With /usr/bin/chromium present it also times the HTML
 * report opening in headless Chromium (load to first page of the table drawn).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Case } from '../src/core/case.js';
import type { ResultRecord, RunRecord } from '../src/core/run.js';
import { type ReportRequest, writeReports } from '../src/report/run-reports.js';
import { openReportSource } from '../src/report/source.js';
import { SummaryBuilder } from '../src/runner/summary.js';
import { createRng } from '../src/stats/random.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { HAVE_CHROMIUM, launchChromium } from '../test/helpers/chromium.js';

const CASES = Number(process.argv[2] ?? 10_000);
const RUNS = 3;
const THEMES = [
  ['legacy', 'deprecated', 'plan', 'discontinued', 'renew', 'pro'],
  ['refund', 'charge', 'card', 'duplicate', 'invoice', 'billing'],
  ['password', 'reset', 'email', 'link', 'login', 'locked'],
  ['export', 'data', 'csv', 'download', 'report', 'archive'],
];
const FILLER = 'how can what the my for with after before about still when does why where which'.split(' ');
const SYSTEM = `You are the Acme support assistant. ${'Answer from the knowledge base only, cite the document ids. '.repeat(6)}`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mib = (bytes: number) =>
  bytes < 1048576 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1048576).toFixed(2)} MiB`;

async function seed(db: string): Promise<string> {
  const store = await openSqliteStore(db);
  const rng = createRng(7);
  const pick = <T>(xs: T[]) => xs[rng.nextInt(xs.length)]!;
  const cases: Case[] = [];
  const results: ResultRecord[] = [];
  const runId = 'bench-report';
  const summary = new SummaryBuilder();
  for (let i = 0; i < CASES; i++) {
    const theme = rng.nextInt(THEMES.length);
    const words = Array.from({ length: 12 }, () => (rng.next() < 0.45 ? pick(THEMES[theme]!) : pick(FILLER)));
    const question = `${words.join(' ')} (case ${i})?`;
    const source = `kb-${theme}-${rng.nextInt(20)}`;
    const c: Case = {
      id: `case-${String(i).padStart(5, '0')}`,
      vars: { question },
      expected: `The answer to case ${i} cites ${source}.`,
      sources: [source],
      tags: {
        type: ['billing', 'account', 'product', 'data'][theme]!,
        difficulty: pick(['easy', 'medium', 'hard']),
      },
    };
    cases.push(c);
    const failing = rng.next() < (theme === 0 ? 0.7 : 0.2);
    const retrievedOk = !failing || rng.next() < 0.4;
    const latency = 200 + rng.next() * 1500 + (rng.next() < 0.03 ? 8000 : 0);
    const r: ResultRecord = {
      runId,
      caseId: c.id,
      target: 'rag-bot',
      repeat: 0,
      tags: c.tags,
      output: {
        text: failing
          ? `I believe this is covered by the Starter plan; see the pricing page. ${'More detail follows here. '.repeat(4)}`
          : `${c.expected} ${'Here is how to do it step by step. '.repeat(4)}`,
        latencyMs: latency,
        usage: { inputTokens: 420, outputTokens: 90 },
        costUsd: 0.0004,
        prompt: [
          { role: 'system', content: SYSTEM },
          { role: 'user', content: question },
        ],
        contexts: [retrievedOk ? source : `kb-${theme}-x`, `kb-${(theme + 1) % 4}-1`].map((id) => ({
          id,
          text: `Document ${id}: ${'what the knowledge base says about it. '.repeat(5)}`,
        })),
      },
      pass: !failing,
      scores: [
        {
          evaluator: 'mentions-answer',
          value: failing ? 0 : 1,
          pass: !failing,
          reason: failing ? `expected "${c.expected}" not found` : 'found',
        },
        {
          evaluator: 'faithfulness',
          value: failing ? 0.2 : 0.9,
          pass: !failing,
          reason: failing ? 'claims not supported by the context' : 'supported',
          details: {
            reasoning: `The answer ${failing ? 'does not follow from' : 'follows from'} ${source}. ${'Reasoning step. '.repeat(6)}`,
          },
        },
        {
          evaluator: 'latency',
          value: latency < 2000 ? 1 : 0,
          pass: latency < 2000,
          reason: `${Math.round(latency)} ms`,
        },
        { evaluator: 'no-leak', value: 1, pass: true },
      ],
      latencyMs: latency,
      costUsd: 0.0004,
      tokens: { input: 420, output: 90 },
    };
    r.pass = r.scores.every((s) => s.pass);
    results.push(r);
    summary.add(r);
  }
  const run: RunRecord = {
    id: runId,
    createdAt: new Date().toISOString(),
    status: 'completed',
    configHash: 'bench',
    provenance: {
      assayVersion: 'bench',
      nodeVersion: process.version,
      dataset: { name: 'bench', version: 'bench-v1', cases: CASES },
      targets: [{ id: 'rag-bot', provider: 'http' }],
      evaluators: [],
      configHash: 'bench',
    },
    summary: summary.build(0),
  };
  await store.saveDataset(
    { name: 'bench', version: 'bench-v1', caseCount: CASES, createdAt: run.createdAt },
    cases,
  );
  await store.createRun(run);
  for (let i = 0; i < results.length; i += 1000) await store.saveResults(results.slice(i, i + 1000));
  await store.close();
  return runId;
}

async function timeFormat(db: string, runId: string, request: ReportRequest): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const store = await openSqliteStore(db);
    const t0 = performance.now();
    await writeReports(await openReportSource(store, runId), request);
    times.push(performance.now() - t0);
    await store.close();
  }
  return times;
}

async function openInChromium(file: string): Promise<number[] | undefined> {
  if (!HAVE_CHROMIUM) return undefined;
  const browser = await launchChromium();
  const times: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
      const t0 = performance.now();
      await page.goto(pathToFileURL(file).href);
      await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 120_000 });
      times.push(performance.now() - t0);
      await page.close();
    }
  } finally {
    await browser.close();
  }
  return times;
}

const dir = mkdtempSync(join(tmpdir(), 'assay-bench-report-'));
try {
  const db = join(dir, 'assay.db');
  const t0 = performance.now();
  const runId = await seed(db);
  console.log(
    `seeded ${CASES} results in ${((performance.now() - t0) / 1000).toFixed(1)} s (${mib(statSync(db).size)} store)`,
  );
  const formats: [string, string, ReportRequest][] = [
    ['HTML', 'report.html', { html: join(dir, 'report.html') }],
    ['JUnit', 'report.xml', { junit: join(dir, 'report.xml') }],
    ['Markdown', 'report.md', { markdown: join(dir, 'report.md') }],
  ];
  console.log(`format     median of ${RUNS}   runs (ms)                size`);
  for (const [name, file, request] of formats) {
    const times = await timeFormat(db, runId, request);
    const size = statSync(join(dir, file)).size;
    console.log(
      `${name.padEnd(10)} ${`${(median(times) / 1000).toFixed(2)} s`.padEnd(13)} ${times
        .map((t) => t.toFixed(0))
        .join(', ')
        .padEnd(24)} ${mib(size)}`,
    );
  }
  console.log(`peak RSS ${mib(process.memoryUsage().rss)} (whole process: store, data, reports)`);
  const opened = await openInChromium(join(dir, 'report.html'));
  if (opened)
    console.log(
      `HTML opened in Chromium, load to table drawn: median ${(median(opened) / 1000).toFixed(2)} s (${opened.map((t) => t.toFixed(0)).join(', ')} ms)`,
    );
  else console.log('HTML in Chromium: skipped, /usr/bin/chromium is missing');
} finally {
  if (process.env.KEEP) console.log('kept', dir);
  else rmSync(dir, { recursive: true, force: true });
}
