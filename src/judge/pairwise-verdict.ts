import type { JudgeAnswer } from './ask-judge.js';
import type { PairwiseVerdict, Winner } from './verdict-shapes.js';

/** A verdict from the evaluated target's side: its output won, the other did, or neither. */
export type Side = 'self' | 'other' | 'tie';

const SCORE: Record<Side, number> = { self: 1, tie: 0.5, other: 0 };

/** `selfFirst`: the evaluated output was shown as A. */
function side(winner: Winner, selfFirst: boolean): Side {
  if (winner === 'tie') return 'tie';
  return (winner === 'A') === selfFirst ? 'self' : 'other';
}

export type Combined =
  | { verdict: Side; positionConsistent: boolean; reasoning: string; details: Record<string, unknown> }
  | { error: string };

/**
 * Combines each judge's two orderings (evaluated output first, then second) into its verdict — the
 * same side in both, else a tie that is position-inconsistent — and the judges' verdicts into the
 * majority (more than half of the judges that answered; a tie otherwise). A judge that failed in
 * either order is left out; when all failed, the result is an error.
 */
export function combinePairwise(
  pairs: [JudgeAnswer<PairwiseVerdict>, JudgeAnswer<PairwiseVerdict>][],
  judgeIds: string[],
): Combined {
  const perJudge: {
    judge: string;
    verdict: Side;
    consistent: boolean;
    orderings: Record<string, unknown>[];
  }[] = [];
  const errors: { judge: string; error: string }[] = [];
  pairs.forEach(([first, second], i) => {
    const judge = judgeIds[i]!;
    if (!first.ok || !second.ok) {
      errors.push({ judge, error: (!first.ok ? first.error : '') || (!second.ok ? second.error : '') });
      return;
    }
    const s1 = side(first.verdict.winner, true);
    const s2 = side(second.verdict.winner, false);
    perJudge.push({
      judge,
      verdict: s1 === s2 ? s1 : 'tie',
      consistent: s1 === s2,
      orderings: [
        { shownFirst: 'self', winner: first.verdict.winner, side: s1, reasoning: first.verdict.reasoning },
        { shownFirst: 'other', winner: second.verdict.winner, side: s2, reasoning: second.verdict.reasoning },
      ],
    });
  });
  if (perJudge.length === 0) return { error: errors.map((e) => e.error).join('; ') };

  const counts = { self: 0, other: 0, tie: 0 };
  for (const j of perJudge) counts[j.verdict]++;
  const verdict: Side =
    counts.self * 2 > perJudge.length ? 'self' : counts.other * 2 > perJudge.length ? 'other' : 'tie';
  const positionConsistent = perJudge.every((j) => j.consistent);
  const reasoning = perJudge
    .map((j) => {
      const [a, b] = j.orderings as { reasoning: string }[];
      const text = j.consistent
        ? a!.reasoning
        : `shown first: ${a!.reasoning} | shown second: ${b!.reasoning}`;
      return perJudge.length > 1 ? `[${j.judge}] ${text}` : text;
    })
    .join('\n');
  const details: Record<string, unknown> =
    perJudge.length === 1 && judgeIds.length === 1
      ? { orderings: perJudge[0]!.orderings }
      : {
          judges: perJudge.map((j) => ({
            judge: j.judge,
            verdict: j.verdict,
            score: SCORE[j.verdict],
            positionConsistent: j.consistent,
            orderings: j.orderings,
          })),
        };
  if (errors.length) details.judgeErrors = errors;
  return { verdict, positionConsistent, reasoning, details };
}
