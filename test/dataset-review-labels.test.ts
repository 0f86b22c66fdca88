import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { reviewService } from '../src/review/service.js';
import type { StoredUser } from '../src/review/store.js';
import { addUser } from '../src/review/users.js';
import { openStores } from '../src/store/open.js';
import { BUILD_TIMEOUT_MS, ensureBuilt } from './helpers/build.js';
import { runCli } from './helpers/cli.js';
import { freshSchema, PG_URL, pgExec, probePostgres } from './helpers/postgres.js';
import { tempDir } from './helpers/suite.js';

vi.setConfig({ testTimeout: 120_000 });

const DAY = 86_400_000;

/**
 * Ten golden cases. The app answers right except on c2 and c5. The expected answers of c1, c4 and
 * c7 are wrong (and of c6, whose ratings are 200 days old). `humans`: what ana and ben give the
 * app's answer on `correct` (1–5); `mallory` (flagged: she fails every trap) rates c3 and c8.
 */
const CASES = [
  { id: 'c0', q: 'Which planet is known as the red planet?', expected: 'Mars', app: 'Mars', humans: [5, 5] },
  {
    id: 'c1',
    q: 'What is the capital city of Australia?',
    expected: 'Sydney',
    app: 'Canberra',
    humans: [5, 4],
  },
  { id: 'c2', q: 'How many legs does a spider have?', expected: '8', app: '6 legs', humans: [1, 2] },
  {
    id: 'c3',
    q: 'Who wrote the play Romeo and Juliet?',
    expected: 'William Shakespeare',
    app: 'William Shakespeare',
    humans: [5, 4],
    mallory: 1,
  },
  { id: 'c4', q: 'What is the chemical symbol for gold?', expected: 'Ag', app: 'Au', humans: [5, 5] },
  {
    id: 'c5',
    q: 'What is the largest ocean on Earth?',
    expected: 'Pacific Ocean',
    app: 'Atlantic Ocean',
    humans: [1, 1],
  },
  {
    id: 'c6',
    q: 'In which year did the Berlin Wall fall?',
    expected: '1991',
    app: '1989',
    humans: [5, 5],
    old: true,
  },
  {
    id: 'c7',
    q: 'At what temperature in Celsius does water boil at sea level?',
    expected: '90',
    app: '100',
    humans: [4, 4],
  },
  {
    id: 'c8',
    q: 'Which gas do green plants absorb from the air?',
    expected: 'Carbon dioxide',
    app: 'Carbon dioxide',
    mallory: 1,
  },
  // Fails the suite's format check (an answer starting with a digit), not `expected`: never flagged.
  { id: 'c9', q: 'What is the square root of eighty one?', expected: '9', app: '9', humans: [5, 5] },
];
const FIXED: Record<string, string> = { c1: 'Canberra', c4: 'Au', c6: '1989', c7: '100' };

function writeSuite(dir: string): void {
  const rows = (fix: boolean) =>
    CASES.map((c) =>
      JSON.stringify({ id: c.id, question: c.q, expected: fix ? (FIXED[c.id] ?? c.expected) : c.expected }),
    ).join('\n');
  writeFileSync(join(dir, 'golden.jsonl'), `${rows(false)}\n`);
  writeFileSync(join(dir, 'golden-fixed.jsonl'), `${rows(true)}\n`);
  const answers = Object.fromEntries(CASES.map((c) => [c.q, c.app]));
  writeFileSync(
    join(dir, 'app.mjs'),
    `const answers = ${JSON.stringify(answers)};\nexport const answer = (c) => answers[c.vars.question];\n`,
  );
  writeFileSync(
    join(dir, 'assay.yaml'),
    [
      'dataset: ./golden.jsonl',
      'targets:',
      '  - { id: app, provider: function, module: ./app.mjs#answer }',
      'evaluators:',
      '  - { type: exact-match }',
      "  - { type: regex, name: format, value: '^\\D' }",
      '',
    ].join('\n'),
  );
}

/** The queue `answers` with three traps, and ana, ben and mallory as its raters. */
async function makeQueue(db: string) {
  const stores = await openStores(db);
  try {
    const project = await stores.traces.ensureProject('default');
    const admin = { projectId: project.id };
    await reviewService(stores.reviews).createQueue(admin, {
      name: 'answers',
      dimensions: [
        { name: 'correct', scale: [1, 5] },
        { name: 'tone', labels: ['fine', 'rude'] },
      ],
      raters: 5,
      trapRate: 0.1,
    });
    await reviewService(stores.reviews).addItems(admin, 'answers', {
      items: [1, 2, 3].map((i) => ({
        input: `trap ${i}: what is ${i} + ${i}?`,
        output: String(2 * i),
        gold: { correct: 5 },
      })),
    });
    for (const name of ['ana', 'ben', 'mallory'])
      await addUser(stores.reviews, stores.traces, { name, role: 'reviewer' });
  } finally {
    await stores.traces.close();
  }
}

/**
 * Everyone works through the queue as the web app does (`next`, then a label or a skip): ana and
 * ben get the traps right, mallory gets them wrong; each rates the cases the plan gives them and
 * skips the others. c6's labels are given 200 days ago.
 */
async function rate(db: string) {
  const stores = await openStores(db);
  try {
    const project = await stores.traces.ensureProject('default');
    const now = reviewService(stores.reviews);
    const old = reviewService(stores.reviews, () => Date.now() - 200 * DAY);
    for (const [k, name] of ['ana', 'ben', 'mallory'].entries()) {
      const user = (await stores.reviews.userByName(project.id, name)) as StoredUser;
      const actor = { projectId: project.id, user };
      for (let item = await now.next(actor, 'answers'); item; item = await now.next(actor, 'answers')) {
        const full = (await stores.reviews.getItem(item.id))!;
        const c = full.gold
          ? undefined
          : CASES.find((x) => x.id === (full.source as { caseId: string }).caseId);
        const score = full.gold
          ? name === 'mallory'
            ? 1
            : 5
          : name === 'mallory'
            ? c?.mallory
            : c?.humans?.[k];
        if (score === undefined) await now.label(actor, item.id, { skipped: true, reason: 'not mine' });
        else await (c?.old ? old : now).label(actor, item.id, { scores: { correct: score, tone: 'fine' } });
      }
    }
  } finally {
    await stores.traces.close();
  }
}

function reviewLabelTests(store: () => { db: string; cwd: string }) {
  it('finds exactly the cases whose expected answer recent review labels contradict, and exits 1', async () => {
    const { db, cwd } = store();
    const ev = await runCli(['eval', '-c', 'assay.yaml', '--db', db], { cwd });
    const runId = /assay: run (\S+)/.exec(ev.stdout)![1]!;
    await makeQueue(db);
    const add = await runCli(['review', 'add', '--queue', 'answers', '--run', runId, '--db', db], { cwd });
    expect(add.stdout).toMatch(/added 10 outputs/);
    await rate(db);

    const health = await runCli(
      ['dataset', 'health', 'golden.jsonl', '-c', 'assay.yaml', '--db', db, '--json'],
      {
        cwd,
      },
    );
    expect(health.stderr).toBe('');
    expect(health.code).toBe(1);
    const report = JSON.parse(health.stdout);
    expect(report.reviewDisagreements.map((d: { caseId: string }) => d.caseId)).toEqual(['c1', 'c4', 'c7']);
    expect(report.reviewDisagreements[0]).toEqual({
      caseId: 'c1',
      queue: 'answers',
      kind: 'correct-output-fails-expected',
      expected: 'Sydney',
      verdict: { pass: false, by: 'expected-evaluators' },
      humans: { verdict: 'correct', dimension: 'correct', ratings: 2, agreement: 1, fewRaters: true },
      items: [
        {
          item: expect.any(String),
          runId,
          target: 'app',
          output: 'Canberra',
          score: 4.5,
          ratings: 2,
          agreement: 1,
        },
      ],
      agreeing: 0,
    });
    // c3 and c8 only look wrong with mallory counted; c6's ratings are older than 90 days.
    expect(report.reviewLabels).toMatchObject({
      checked: true,
      maxDisagreements: 0,
      rules: [{ queue: 'answers', dimension: 'correct', correct: { atLeast: 4 } }],
      items: 8,
      compared: 8,
    });
    expect(report.problems).toHaveLength(3);
    expect(report.problems[0]).toBe(
      'expected of c1 disagrees with review queue answers: raters judged correct an output that fails against expected ("Canberra" against "Sydney"; correct 4.5 → correct; 2 ratings, 100% agree, few raters)',
    );

    // The text report says the same; a wider window takes in c6's old ratings too.
    const text = await runCli(
      ['dataset', 'health', 'golden.jsonl', '-c', 'assay.yaml', '--db', db, '--review-since', '365d'],
      { cwd },
    );
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/queues: answers \(correct ≥ 4 is correct\)/);
    expect(text.stdout).toMatch(/4 disagreement\(s\), at most 0 allowed/);
    expect(text.stdout).toMatch(/- expected of c6 disagrees with review queue answers/);

    // Allowed by the threshold: exit 0, the disagreements still listed.
    const allowed = await runCli(
      ['dataset', 'health', 'golden.jsonl', '--db', db, '--max-review-disagreements', '3'],
      { cwd },
    );
    expect(allowed.stdout).toMatch(/3 disagreement\(s\), at most 3 allowed/);
    expect(allowed.stdout).toMatch(/ {4}expected of c7 disagrees/);
    expect(allowed.code).toBe(0);

    // Each wrong expected answer fixed: no disagreement left, exit 0.
    const fixed = await runCli(['dataset', 'health', 'golden-fixed.jsonl', '--db', db, '--json'], { cwd });
    expect(fixed.code).toBe(0);
    const after = JSON.parse(fixed.stdout);
    expect(after.reviewDisagreements).toEqual([]);
    expect(after.reviewLabels.notCompared).toEqual({ 'expected changed since the run': 3 });
  });

  it('a stricter pass level, or another dimension, is one flag; a bad one names itself', async () => {
    const { db, cwd } = store();
    // At 5, c1 (4.5) and c7 (4) are no longer judged correct, and c3 (4.5), which passed, is.
    const strict = await runCli(
      ['dataset', 'health', 'golden.jsonl', '--db', db, '--review-pass', '5', '--json'],
      { cwd },
    );
    const ids = JSON.parse(strict.stdout).reviewDisagreements.map((d: { caseId: string }) => d.caseId);
    expect(ids).toEqual(['c3', 'c4']);
    // Every answer's tone is fine: read as correct, every output that failed against expected disagrees.
    const tone = await runCli(
      [
        'dataset',
        'health',
        'golden.jsonl',
        '--db',
        db,
        '--review-dimension',
        'tone',
        '--review-pass',
        'fine',
        '--json',
      ],
      { cwd },
    );
    const byTone = JSON.parse(tone.stdout);
    expect(byTone.reviewLabels.rules).toEqual([
      { queue: 'answers', dimension: 'tone', correct: { labels: ['fine'] } },
    ]);
    expect(byTone.reviewDisagreements.map((d: { caseId: string }) => d.caseId)).toEqual([
      'c1',
      'c2',
      'c4',
      'c5',
      'c7',
    ]);
    const bad = await runCli(
      ['dataset', 'health', 'golden.jsonl', '--db', db, '--review-queue', 'answers', '--review-pass', 'good'],
      { cwd },
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe(
      'assay: error: --review-queue: queue answers: correct is a scale: give a number as the pass level',
    );
    const nope = await runCli(['dataset', 'health', 'golden.jsonl', '--db', db, '--review-queue', 'nope'], {
      cwd,
    });
    expect(nope.code).toBe(2);
    expect(nope.stderr.trim()).toMatch(
      /^assay: error: --review-queue: no review queue "nope" in this project/,
    );
  });

  it('a golden set exported from the queue is checked against its newer labels', async () => {
    const { db, cwd } = store();
    const exp = await runCli(
      ['review', 'export', '--queue', 'answers', '--to', 'reviewed.jsonl', '--db', db],
      {
        cwd,
      },
    );
    expect(exp.code).toBe(0);
    const same = await runCli(['dataset', 'health', 'reviewed.jsonl', '--db', db, '--json'], { cwd });
    const before = JSON.parse(same.stdout);
    expect(before.reviewDisagreements).toEqual([]);
    // c6's ratings are old and c8 (mallory's alone) was not exported: eight compared.
    expect(before.reviewLabels).toMatchObject({ items: 8, compared: 8 });
    expect(same.code).toBe(0);

    // dan, a fourth rater (right on every trap), judges c1's answer wrong: 4.5 becomes 3.33.
    const stores = await openStores(db);
    let c1Item = '';
    try {
      const project = await stores.traces.ensureProject('default');
      const { user } = await addUser(stores.reviews, stores.traces, { name: 'dan', role: 'reviewer' });
      const actor = { projectId: project.id, user };
      const service = reviewService(stores.reviews);
      for (
        let item = await service.next(actor, 'answers');
        item;
        item = await service.next(actor, 'answers')
      ) {
        const full = (await stores.reviews.getItem(item.id))!;
        const c1 = (full.source as { caseId?: string } | undefined)?.caseId === 'c1';
        if (c1) c1Item = item.id;
        if (full.gold || c1)
          await service.label(actor, item.id, { scores: { correct: c1 ? 1 : 5, tone: 'fine' } });
        else await service.label(actor, item.id, { skipped: true });
      }
    } finally {
      await stores.traces.close();
    }
    const changed = await runCli(['dataset', 'health', 'reviewed.jsonl', '--db', db, '--json'], { cwd });
    expect(changed.code).toBe(1);
    expect(JSON.parse(changed.stdout).reviewDisagreements).toEqual([
      {
        caseId: c1Item,
        queue: 'answers',
        kind: 'labels-changed',
        expected: { scores: { correct: 4.5, tone: 'fine' } },
        verdict: { pass: true, by: 'expected-scores' },
        humans: {
          verdict: 'incorrect',
          dimension: 'correct',
          ratings: 3,
          agreement: 0.333,
          fewRaters: false,
        },
        items: [{ item: c1Item, score: 10 / 3, ratings: 3, agreement: 0.333 }],
        agreeing: 0,
      },
    ]);
  });
}

describe('assay dataset health: expected answers against review labels (SQLite)', () => {
  const tmp = tempDir('assay-health-review-');
  beforeAll(async () => {
    await ensureBuilt();
    writeSuite(tmp.dir);
  }, BUILD_TIMEOUT_MS);
  afterAll(() => tmp.cleanup());
  reviewLabelTests(() => ({ db: join(tmp.dir, 'assay.db'), cwd: tmp.dir }));
});

const probe = await probePostgres();

describe.runIf(probe.ok || process.env.CI)(
  'assay dataset health: expected answers against review labels (PostgreSQL)',
  () => {
    const tmp = tempDir('assay-health-review-pg-');
    const schema = freshSchema('assay_health_review');
    const db = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    beforeAll(async () => {
      await ensureBuilt();
      await pgExec(`CREATE SCHEMA "${schema}"`);
      writeSuite(tmp.dir);
    }, BUILD_TIMEOUT_MS);
    afterAll(async () => {
      tmp.cleanup();
      await pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    });
    reviewLabelTests(() => ({ db, cwd: tmp.dir }));
  },
);
