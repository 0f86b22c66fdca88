import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SpanRecord } from '../src/core/trace.js';
import { proposeRefresh } from '../src/datasets/hygiene/refresh.js';
import { loadDataset } from '../src/datasets/load.js';
import { largestRemainder } from '../src/datasets/sample.js';
import { createLocalEmbedder } from '../src/embeddings/local.js';
import { luhnValid } from '../src/evaluators/safety/checksums.js';
import type { MonitoredTrace } from '../src/monitor/traffic.js';
import { reviewService } from '../src/review/service.js';
import { openStores, openTraceStore } from '../src/store/open.js';
import { runCli } from './helpers/cli.js';

const KNOWN = [
  'How do I download the invoice for my {x} subscription?',
  'Why was my card charged twice for the {x} plan?',
  'I cannot log in to my {x} account after resetting the password',
  'How do I turn on two factor authentication for my {x} account?',
  'Where is my {x} order, the tracking number has not changed for days',
  'Can I change the delivery address of my {x} order?',
];
const PLANS = [
  'Basic',
  'Pro',
  'Team',
  'Enterprise',
  'Family',
  'Student',
  'Starter',
  'Premium',
  'Annual',
  'Trial',
  'Business',
  'Monthly',
  'Lite',
  'Plus',
];
// The topic production has and the golden set does not: smart-home devices.
const NEW = [
  'Does the {x} support the Zigbee protocol and voice assistants?',
  'The {x} stopped connecting to the wifi after the firmware update',
  'How do I pair the {x} with my phone over bluetooth?',
  'The {x} battery drains overnight even when it is switched off',
];
const DEVICES = [
  'smart thermostat',
  'robot vacuum',
  'security camera',
  'video doorbell',
  'smart speaker',
  'wireless earbuds',
  'smart plug',
  'baby monitor',
  'air purifier',
  'smart lock',
];
const fill = (templates: string[], items: string[]) =>
  templates.flatMap((t) => items.map((x) => t.replace('{x}', x)));

const golden = fill(KNOWN, PLANS.slice(0, 5)).map((question, i) => ({
  id: `g${i}`,
  question,
  expected: 'See the help centre.',
  tags: { type: 'support' },
}));

/** 100 consumer inputs on known topics (some leaking an e-mail or a card), 60 business: half smart-home. */
function traffic(now: number): MonitoredTrace[] {
  const consumer = fill(KNOWN, PLANS).slice(0, 60);
  const business = [...fill(KNOWN, PLANS).slice(60, 80), ...fill(NEW, DEVICES).slice(0, 20)];
  const withPii = (s: string, i: number) =>
    i % 5 === 0
      ? `${s} My email is jane.doe${i}@example.com`
      : i % 7 === 0
        ? `${s} card 4111 1111 1111 1111`
        : s;
  return [
    ...consumer.map((input, i) => ({ input: withPii(input, i), segment: 'consumer' })),
    ...business.map((input, i) => ({ input: withPii(input, i), segment: 'business' })),
  ].map(({ input, segment }, i) => ({
    id: `${String(i).padStart(4, '0')}`.padEnd(32, 'a'),
    timestamp: now - (i + 1) * 60_000,
    input,
    output: `Answer to: ${input}`,
    tags: { segment },
    ...(i % 9 === 0 ? { feedback: [{ name: 'thumbs', value: -1 }] } : {}),
  }));
}

const EMAIL = /[\w.+-]+@[\w-]+\.[\w.]+/;
const CARD = /\d(?:[ -]?\d){12,18}/g;
const isDevice = (s: string) => DEVICES.some((d) => s.includes(d));

describe('dataset refresh: proposals from production traffic', () => {
  it('shares proposals by traffic per segment, puts the topic the golden set lacks first, and masks PII', async () => {
    const now = Date.now();
    const cases = golden.map(({ id, question, expected, tags }) => ({
      id,
      vars: { question },
      expected,
      tags,
    }));
    const embedder = createLocalEmbedder();
    const report = await proposeRefresh(cases, traffic(now), {
      count: 15,
      stratifyBy: ['tags.segment'],
      embed: (texts) => embedder.embed(texts),
    });
    // 60 consumer and 40 business distinct inputs: 15 seats shared 9 / 6.
    expect(report.strata).toEqual([
      { stratum: 'tags.segment=business', traffic: 40, proposed: 6 },
      { stratum: 'tags.segment=consumer', traffic: 60, proposed: 9 },
    ]);
    const business = report.proposals.filter((p) => p.stratum === 'tags.segment=business');
    // Smart-home inputs are half the business traffic and all of its uncovered inputs: they come first.
    expect(business.filter((p) => isDevice(p.input)).length).toBe(6);
    expect(business.every((p) => p.reasons.includes('uncovered'))).toBe(true);
    expect(report.uncoveredClusters).toBeGreaterThan(0);
    // No consumer input is about devices; the known topics are proposed for their negative feedback.
    const consumer = report.proposals.filter((p) => p.stratum === 'tags.segment=consumer');
    expect(consumer.some((p) => isDevice(p.input))).toBe(false);
    expect(consumer.filter((p) => p.reasons.includes('negative-feedback')).length).toBeGreaterThan(0);
    for (const p of report.proposals) {
      expect(`${p.input} ${p.output}`).not.toMatch(EMAIL);
      for (const digits of `${p.input} ${p.output}`.match(CARD) ?? [])
        expect(luhnValid(digits.replace(/\D/g, ''))).toBe(false);
    }
    expect(report.proposals.some((p) => p.input.includes('[pii.email]'))).toBe(true);
  });

  it('skips a near-duplicate of an earlier proposal, and proposes nothing from no traffic', async () => {
    const embedder = createLocalEmbedder();
    const embed = (texts: string[]) => embedder.embed(texts);
    const cases = golden.map(({ id, question, tags }) => ({ id, vars: { question }, tags }));
    const twins: MonitoredTrace[] = ['robot vacuum', 'robot vacuum!', 'smart lock'].map((d, i) => ({
      id: `t${i}`,
      timestamp: i,
      input: `The ${d} stopped connecting to the wifi after the firmware update`,
      output: '',
    }));
    const report = await proposeRefresh(cases, twins, { count: 3, embed });
    expect(report.proposals.map((p) => p.trace.id).sort()).toEqual(['t0', 't2']);
    expect((await proposeRefresh(cases, [], { count: 3, embed })).proposals).toEqual([]);
  });

  it('largestRemainder shares seats in proportion and sums to what is asked', () => {
    expect(largestRemainder([60, 30, 10], 7)).toEqual([4, 2, 1]);
    expect(largestRemainder([1, 1, 1], 2)).toEqual([1, 1, 0]);
    expect(largestRemainder([0, 0], 3)).toEqual([0, 0]);
  });

  it('assay dataset refresh writes reviewable dataset rows from the stored traffic', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-refresh-'));
    const db = join(dir, 'assay.db');
    writeFileSync(join(dir, 'golden.jsonl'), golden.map((g) => `${JSON.stringify(g)}\n`).join(''));
    const store = await openTraceStore(db);
    const project = await store.ensureProject('default');
    const spans: SpanRecord[] = traffic(Date.now()).map((t, i) => ({
      projectId: project.id,
      traceId: t.id,
      spanId: `s${String(i).padStart(15, '0')}`,
      parentSpanId: null,
      name: 'chat',
      kind: 'llm',
      startMs: t.timestamp,
      endMs: t.timestamp + 500,
      model: 'gpt-4o-mini',
      provider: 'openai',
      operation: 'chat',
      inputTokens: 10,
      outputTokens: 10,
      totalTokens: 20,
      costUsd: 0.0001,
      input: [{ role: 'user', content: t.input }],
      output: [{ role: 'assistant', content: t.output }],
      contexts: [],
      attributes: {},
      status: 'ok',
      error: null,
      sessionId: null,
      userId: null,
      tags: t.tags ?? {},
      source: 'native',
    }));
    await store.writeIngest({ spans, scores: [], feedback: [], events: [] });
    await store.close();

    const out = join(dir, 'proposals.jsonl');
    // --percent 50 of the 30 golden cases: 15 proposals.
    const args = ['dataset', 'refresh', '--golden', 'golden.jsonl', '--since', '90d', '--percent', '50'];
    const r = await runCli([...args, '--stratify-by', 'tags.segment', '--to', out, '--db', db], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('15 proposal(s) written');
    const rows = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(15);
    for (const row of rows) {
      expect(row.origin).toBe('production');
      expect(row.traceId).toMatch(/^\d{4}a+$/);
      expect(typeof row.question).toBe('string');
      expect(JSON.stringify(row)).not.toMatch(EMAIL);
    }
    // The proposals are a dataset as they stand: `assay review add --file` and `assay eval` read them.
    const proposals = await loadDataset(out);
    expect(proposals.cases.every((c) => c.origin === 'production')).toBe(true);

    // …and go to human review as they stand, each once.
    const stores = await openStores(db);
    const projectId = (await stores.traces.projectByName('default'))!.id;
    await reviewService(stores.reviews).createQueue(
      { projectId },
      { name: 'refresh', dimensions: [{ name: 'keep', labels: ['yes', 'no'] }] },
    );
    await stores.traces.close();
    const add = ['review', 'add', '--queue', 'refresh', '--file', out, '--db', db];
    const added = await runCli(add, { cwd: dir });
    expect(added.stderr).toBe('');
    expect(added.stdout).toContain('added 15 case(s)');
    expect((await runCli(add, { cwd: dir })).stdout).toContain('added 0 case(s) of');
    const check = await openStores(db);
    const queue = (await check.reviews.queueByName(projectId, 'refresh'))!;
    const items = await check.reviews.listItems(queue.id);
    await check.traces.close();
    expect(items).toHaveLength(15);
    expect(items.map((i) => (i.source as { traceId: string }).traceId).sort()).toEqual(
      rows.map((r) => r.traceId).sort(),
    );
    expect(JSON.stringify(items)).not.toMatch(EMAIL);

    const missing = await runCli(['dataset', 'refresh', '--to', out, '--db', db], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--golden');
  });
});
