import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLocalEmbedder } from '../../embeddings/local.js';
import { loadDataset } from '../load.js';
import { checkContamination, findContamination } from './contamination.js';
import { readSources } from './sources.js';

/** A seeded generator, so every run plants the same dataset. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const VOCAB = (
  'account invoice refund shipping order password login email card charge subscription plan upgrade ' +
  'downgrade cancel renew address delivery package tracking return exchange size color warranty repair ' +
  'battery screen keyboard laptop phone tablet charger cable adapter printer router network wifi signal ' +
  'slow fast broken missing late early double wrong correct billing statement tax receipt discount coupon ' +
  'code gift balance transfer bank branch loan mortgage rate interest savings deposit withdraw limit ' +
  'travel flight hotel booking seat baggage delay gate passport visa insurance claim policy premium'
).split(' ');
const OPENERS = [
  'Can you help me understand why my',
  'How do I fix the',
  'What should I do about the',
  'Why is my',
];

function sentence(r: () => number, n: number): string {
  const w = Array.from({ length: n }, () => VOCAB[Math.floor(r() * VOCAB.length)]);
  return `${OPENERS[Math.floor(r() * OPENERS.length)]} ${w.join(' ')}?`;
}

/** Changes two words and the punctuation and case: a "lightly edited" copy. */
function lightlyEdit(text: string): string {
  const w = text.split(' ');
  w[5] = 'something';
  w[Math.floor(w.length * 0.7)] = 'else';
  return w.join('  ').toUpperCase().replace('?', ' !!');
}

function plant() {
  const dir = mkdtempSync(join(tmpdir(), 'assay-contam-'));
  const r = rng(42);
  const cases = Array.from({ length: 200 }, (_, i) => ({
    id: `g${i}`,
    question: sentence(r, 14 + Math.floor(r() * 12)),
    expected: `Answer ${i}: ${sentence(r, 10 + Math.floor(r() * 8))}`,
    tags: { type: i % 3 ? 'simple' : 'multi-step' },
  }));
  writeFileSync(join(dir, 'golden.jsonl'), `${cases.map((c) => JSON.stringify(c)).join('\n')}\n`);
  const planted = [7, 23, 58, 91, 120, 150, 171, 199];
  // few-shot: three verbatim, one lightly edited; prompt template: two verbatim (wrapped), two edited.
  const fewShot = [
    'Here are examples of good answers.',
    ...[7, 23, 58].flatMap((i) => [`Q: ${cases[i]!.question}`, `A: ${cases[i]!.expected}`, '']),
    `Q: ${lightlyEdit(cases[91]!.question)}`,
    `A: ${sentence(r, 12)}`,
  ];
  mkdirSync(join(dir, 'prompts', 'support'), { recursive: true });
  writeFileSync(join(dir, 'prompts', 'few-shot.txt'), fewShot.join('\n'));
  const wrap = (s: string) => s.replace(/(\S+ \S+ \S+ \S+ \S+ \S+ \S+) /g, '$1\n');
  const template = [
    'You are a support assistant. Answer briefly and cite the policy.',
    'For example, a customer once wrote:',
    wrap(cases[120]!.question),
    'and another:',
    wrap(cases[150]!.expected),
    `Edge case: ${lightlyEdit(cases[171]!.question)}`,
    `Also: ${lightlyEdit(cases[199]!.question)}`,
    'User question: {{question}}',
  ];
  writeFileSync(join(dir, 'prompts', 'support', 'system.md'), template.join('\n'));
  // Unrelated text sharing the vocabulary (and the openers) with the golden set: must flag nothing.
  writeFileSync(
    join(dir, 'prompts', 'notes.txt'),
    Array.from({ length: 60 }, () => sentence(r, 20)).join('\n'),
  );
  return { dir, planted: planted.map((i) => `g${i}`) };
}

describe('findContamination', () => {
  it('finds the 8 of 200 golden cases copied into a few-shot file and a prompt template, and no other', async () => {
    const { dir, planted } = plant();
    const golden = await loadDataset(join(dir, 'golden.jsonl'));
    const report = await checkContamination(golden.cases, await readSources([join(dir, 'prompts')]), {
      embedder: createLocalEmbedder(),
    });
    expect(report.checked).toBe(200);
    expect(report.contaminated.map((c) => c.caseId).sort()).toEqual([...planted].sort());
    const where = Object.fromEntries(report.contaminated.map((c) => [c.caseId, c.sources]));
    const fewShot = join(dir, 'prompts', 'few-shot.txt');
    const system = join(dir, 'prompts', 'support', 'system.md');
    expect(where.g7).toEqual([{ path: fewShot, line: 2, kind: 'verbatim', score: 1 }]);
    expect(where.g58![0]).toMatchObject({ path: fewShot, line: 8, kind: 'verbatim' });
    expect(where.g91![0]).toMatchObject({ path: fewShot, line: 11 });
    expect(where.g120![0]).toMatchObject({ path: system, line: 3, kind: 'verbatim' });
    for (const id of ['g150', 'g171', 'g199']) expect(where[id]![0]!.path).toBe(system);
    for (const c of report.contaminated) for (const s of c.sources) expect(s.path).not.toContain('notes.txt');
  });

  it('reads fine-tuning JSONL rows as their strings, with the row as the line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-contam-'));
    const q = 'please explain how the quarterly mortgage interest statement is calculated for joint accounts';
    writeFileSync(
      join(dir, 'golden.jsonl'),
      `${JSON.stringify({ id: 'a', question: q })}\n${JSON.stringify({ id: 'b', question: 'an unrelated question about flights and hotels and baggage rules today' })}\n`,
    );
    const row = {
      messages: [
        { role: 'user', content: `Hi!\n${q.toUpperCase()}.` },
        { role: 'assistant', content: 'ok' },
      ],
    };
    writeFileSync(join(dir, 'train.jsonl'), `{"messages":[]}\n${JSON.stringify(row)}\n`);
    const golden = await loadDataset(join(dir, 'golden.jsonl'));
    const report = findContamination(golden.cases, await readSources([join(dir, 'train.jsonl')]));
    expect(report).toEqual({
      contaminated: [
        { caseId: 'a', sources: [{ path: join(dir, 'train.jsonl'), line: 2, kind: 'verbatim', score: 1 }] },
      ],
      checked: 2,
    });
  });
});
