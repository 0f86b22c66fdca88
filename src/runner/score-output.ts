import { errorMessage } from '../core/errors.js';
import type { Evaluator, EvaluatorInput, Score } from '../core/score.js';
import { scoreError } from '../core/score.js';

/**
 * Applies every evaluator to one output, concurrently. An evaluator that throws gives an error
 * score with its message: never a crash, never a silent pass.
 */
export async function scoreOutput(evaluators: Evaluator[], input: EvaluatorInput): Promise<Score[]> {
  if (evaluators.length === 0) return [];
  const results = await Promise.all(
    evaluators.map(async (e) => {
      try {
        const r = await e.evaluate(input);
        return Array.isArray(r) ? r : [r];
      } catch (error) {
        return [scoreError(e.name, errorMessage(error))];
      }
    }),
  );
  return results.flat().map(checkScore);
}

/** A score outside 0..1 or NaN is an evaluator bug: it becomes an error, not a number in the report. */
function checkScore(s: Score): Score {
  if (s.value !== null && (!Number.isFinite(s.value) || s.value < 0 || s.value > 1)) {
    return scoreError(s.evaluator, `score ${s.value} is outside 0..1`);
  }
  return s;
}
