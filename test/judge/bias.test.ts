import { afterEach, describe, expect, it } from 'vitest';
import type { Case } from '../../src/core/case.js';
import type { ResultRecord } from '../../src/core/run.js';
import { judgeBiasReport } from '../../src/judge/bias/report.js';
import { type ChatBody, type FakeOpenAI, startFakeOpenAI } from '../fake-openai-server.js';
import { aCase, blockContent, judgeAt, judgePrompt, runJudged } from './helpers.js';

let server: FakeOpenAI | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const response = (body: ChatBody) => {
  const { user, boundary } = judgePrompt(body);
  return blockContent(user, 'response', boundary)!;
};
/** Scores by length alone: one point per 40 words, from 1 to 5. */
const lengthBiased = (body: ChatBody) => {
  const n = response(body).split(/\s+/).length;
  return JSON.stringify({ reasoning: 'thorough', score: Math.min(5, 1 + Math.floor(n / 40)) });
};
/** Scores on the content alone. */
const fair = (body: ChatBody) =>
  JSON.stringify({ reasoning: 'checked', score: response(body).includes('30 days') ? 5 : 1 });

const cases: Case[] = Array.from({ length: 20 }, (_, i) => aCase({ id: `c${String(i).padStart(2, '0')}` }));
// Lengths grow with the case number; correctness alternates, independent of length.
const bot = (c: Case) => {
  const i = Number(c.id.slice(1));
  const padding = ' Thanks for asking, we are always glad to help.'.repeat(i);
  return `${i % 2 === 0 ? 'You have 30 days.' : 'You have 14 days.'}${padding}`;
};

describe('judge bias checks', () => {
  it('flags a length-biased judge by the verbosity check', async () => {
    server = await startFakeOpenAI({ reply: lengthBiased });
    const results = await runJudged(
      [{ type: 'rubric', judge: judgeAt(server.baseURL), dimensions: ['accuracy'] }],
      { bot },
      cases,
    );
    const report = judgeBiasReport(results)!;
    const v = report.scores[0]!.verbosity;
    expect(v.n).toBe(20);
    expect(v.rho).toBeGreaterThan(0.9);
    expect(v.warn).toBe(true);
    expect(report.warnings.some((w) => w.startsWith('rubric.accuracy: verbosity bias?'))).toBe(true);
  });

  it('does not flag a judge that scores content, on the same outputs', async () => {
    server = await startFakeOpenAI({ reply: fair });
    const results = await runJudged(
      [{ type: 'rubric', judge: judgeAt(server.baseURL), dimensions: ['accuracy'] }],
      { bot },
      cases,
    );
    const report = judgeBiasReport(results)!;
    const b = report.scores[0]!;
    expect(Math.abs(b.verbosity.rho!)).toBeLessThan(0.3);
    expect(b.verbosity.warn).toBe(false);
    // Half 5s and half 1s: the middle of the scale is empty.
    expect(b.distribution).toMatchObject({
      counts: { 1: 10, 2: 0, 3: 0, 4: 0, 5: 10 },
      bimodal: true,
      notDiscriminative: false,
    });
    expect(report.warnings).toEqual([expect.stringMatching(/bimodal/)]);
  });
});

function rubricResult(i: number, raw: number, target = 't'): ResultRecord {
  return {
    runId: 'r',
    caseId: `c${i}`,
    target,
    repeat: 0,
    tags: {},
    output: { text: 'x '.repeat(10), latencyMs: 1 },
    pass: true,
    scores: [
      {
        evaluator: 'rubric.clarity',
        value: (raw - 1) / 4,
        pass: raw >= 4,
        details: {
          kind: 'rubric',
          judge: 'openai:j',
          raw,
          scale: [1, 5],
          ...(target === 'same' ? { sameFamily: true } : {}),
        },
      },
    ],
    latencyMs: 1,
  };
}

describe('score distribution and self-preference', () => {
  it('flags "not discriminative" when at least 80% of scores sit in the top two levels', () => {
    const raws = [5, 5, 4, 4, 5, 4, 5, 3, 4, 2];
    const b = judgeBiasReport(raws.map((r, i) => rubricResult(i, r)))!.scores[0]!;
    expect(b.distribution).toMatchObject({ topTwoShare: 0.8, notDiscriminative: true, bimodal: false });
    const spread = judgeBiasReport([1, 2, 3, 3, 4, 5, 5, 2, 4, 1].map((r, i) => rubricResult(i, r)))!
      .scores[0]!;
    expect(spread.distribution).toMatchObject({ notDiscriminative: false, bimodal: false });
  });

  it('reports the mean score of a same-family target next to the others', () => {
    const results = [
      ...[5, 5, 4].map((r, i) => rubricResult(i, r, 'same')),
      ...[3, 2, 4].map((r, i) => rubricResult(i, r, 'other')),
    ];
    const report = judgeBiasReport(results)!;
    expect(report.scores[0]!.selfPreference).toEqual({
      targets: ['same'],
      meanSame: 11 / 12,
      meanOther: 0.5,
    });
    expect(report.warnings.join('\n')).toMatch(/self-preference risk.*grades same/);
  });

  it('is undefined for a run without judge scores', () => {
    expect(judgeBiasReport([])).toBeUndefined();
  });
});
