import { afterEach, describe, expect, it } from 'vitest';
import type { Case } from '../../src/core/case.js';
import { judgeBiasReport } from '../../src/judge/bias/report.js';
import { type ChatBody, type FakeOpenAI, startFakeOpenAI } from '../fake-openai-server.js';
import { aCase, anOutput, blockContent, build, judgeAt, judgePrompt, runJudged, scores } from './helpers.js';

const servers: FakeOpenAI[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function judgeServer(reply: (body: ChatBody) => string): Promise<FakeOpenAI> {
  const s = await startFakeOpenAI({ reply });
  servers.push(s);
  return s;
}

/** Always prefers the answer shown first. */
const firstIsBetter = () => '{"reasoning": "The first answer is better.", "winner": "A"}';

/** Prefers the answer that gives the right figure (30 days), whichever place it is in. */
function prefersCorrect(body: ChatBody): string {
  const { user, boundary } = judgePrompt(body);
  const a = blockContent(user, 'response', boundary, 'id="A"')!.includes('30 days');
  const b = blockContent(user, 'response', boundary, 'id="B"')!.includes('30 days');
  const winner = a === b ? 'tie' : a ? 'A' : 'B';
  return JSON.stringify({ reasoning: `A ${a ? 'right' : 'wrong'}, B ${b ? 'right' : 'wrong'}`, winner });
}

const cases: Case[] = Array.from({ length: 10 }, (_, i) => aCase({ id: `c${i}` }));
const answers = {
  candidate: () => 'You have 30 days to return an item.',
  baseline: (c: Case) => (Number(c.id.slice(1)) % 2 === 0 ? 'You have 30 days.' : 'You have 14 days.'),
};

describe('pairwise judge, both orderings', () => {
  it('detects a position-biased judge: every verdict flips, so every pair is a tie, 100% inconsistent', async () => {
    const s = await judgeServer(firstIsBetter);
    const results = await runJudged(
      [{ type: 'pairwise', judge: judgeAt(s.baseURL), against: 'baseline' }],
      answers,
      cases,
    );
    const judged = results.filter((r) => r.target === 'candidate').map((r) => r.scores[0]!);
    expect(judged).toHaveLength(10);
    for (const score of judged) {
      expect(score).toMatchObject({ value: 0.5, pass: true });
      expect(score.details).toMatchObject({ verdict: 'tie', positionConsistent: false });
    }
    // The baseline is not compared with itself.
    expect(results.filter((r) => r.target === 'baseline').every((r) => r.scores.length === 0)).toBe(true);
    expect(s.stats.chat).toBe(20);

    const report = judgeBiasReport(results)!;
    const b = report.scores.find((x) => x.score === 'pairwise')!;
    expect(b.position).toEqual({ pairs: 10, inconsistent: 10, share: 1, warn: true });
    expect(b.distribution!.counts).toEqual({ win: 0, tie: 10, loss: 0 });
    expect(report.warnings.join('\n')).toMatch(/position bias — 100% of verdicts/);
  });

  it('counts a win only when both orders agree, with a consistent judge', async () => {
    const s = await judgeServer(prefersCorrect);
    const results = await runJudged(
      [{ type: 'pairwise', judge: judgeAt(s.baseURL), against: 'baseline' }],
      answers,
      cases,
    );
    const verdicts = results
      .filter((r) => r.target === 'candidate')
      .sort((a, b) => a.caseId.localeCompare(b.caseId))
      .map((r) => r.scores[0]!.details!.verdict);
    expect(verdicts).toEqual(['tie', 'win', 'tie', 'win', 'tie', 'win', 'tie', 'win', 'tie', 'win']);
    const report = judgeBiasReport(results)!;
    expect(report.scores[0]!.position).toMatchObject({ inconsistent: 0, warn: false });
  });

  it('takes the majority of several judges and reports their agreement', async () => {
    const good1 = await judgeServer(prefersCorrect);
    const good2 = await judgeServer(prefersCorrect);
    const biased = await judgeServer(firstIsBetter);
    const judge = [
      judgeAt(good1.baseURL, 'judge-one'),
      judgeAt(good2.baseURL, 'judge-two'),
      judgeAt(biased.baseURL, 'judge-three'),
    ];
    const results = await runJudged([{ type: 'pairwise', judge, against: 'baseline' }], answers, cases);
    const odd = results.find((r) => r.target === 'candidate' && r.caseId === 'c1')!.scores[0]!;
    expect(odd).toMatchObject({ value: 1 });
    expect(odd.details).toMatchObject({ verdict: 'win', positionConsistent: false });
    expect((odd.details!.judges as unknown[]).length).toBe(3);
    const b = judgeBiasReport(results)!.scores[0]!;
    expect(b.position).toMatchObject({ pairs: 30, inconsistent: 10 });
    expect(b.agreement!.judges).toHaveLength(3);
    expect(b.agreement!.alpha).toBeLessThan(0.667);
  });

  it("compares with a stored run through the input's storedOutput", async () => {
    const s = await judgeServer(prefersCorrect);
    const asked: string[] = [];
    const e = await build({ type: 'pairwise', judge: judgeAt(s.baseURL), against: { run: 'run-0' } });
    const [score] = await scores(e, {
      output: anOutput('30 days'),
      storedOutput: async (runId, caseId, target) => {
        asked.push(`${runId}/${caseId}/${target}`);
        return anOutput('You have 14 days.');
      },
    });
    expect(score).toMatchObject({ value: 1, pass: true });
    expect(asked).toEqual(['run-0/c1/bot']);
  });

  it('refuses an "against" target the suite does not have', async () => {
    await expect(
      build({ type: 'pairwise', judge: 'openai:x', against: 'nope' }, { targets: [{ id: 'a' }] }),
    ).rejects.toMatchObject({
      code: 'evaluator.invalid',
      field: 'against',
    });
  });
});
