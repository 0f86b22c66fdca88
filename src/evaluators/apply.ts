import { errorMessage } from '../core/errors.js';
import type { Evaluator, EvaluatorInput, Score } from '../core/score.js';
import { scoreError } from '../core/score.js';

/**
 * Applies evaluators to one output, concurrently, and keeps each one's scores apart (combinators
 * need to know which child said what). An evaluator that throws gives an error score with its
 * message: never a crash, never a silent pass. A value outside 0..1 or NaN is an evaluator bug and
 * becomes an error too, not a number in a report.
 */
export async function scoreEach(evaluators: Evaluator[], input: EvaluatorInput): Promise<Score[][]> {
  return Promise.all(
    evaluators.map(async (e) => {
      try {
        const r = await e.evaluate(input);
        return (Array.isArray(r) ? r : [r]).map(checkScore);
      } catch (error) {
        return [scoreError(e.name, errorMessage(error))];
      }
    }),
  );
}

/** Every score of every evaluator, in order. */
export async function scoreOutput(evaluators: Evaluator[], input: EvaluatorInput): Promise<Score[]> {
  if (evaluators.length === 0) return [];
  return (await scoreEach(evaluators, input)).flat();
}

function checkScore(s: Score): Score {
  if (s.value !== null && (!Number.isFinite(s.value) || s.value < 0 || s.value > 1)) {
    return scoreError(s.evaluator, `score ${s.value} is outside 0..1`);
  }
  return s;
}
