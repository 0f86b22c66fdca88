import { z } from 'zod';
import { AssayError } from '../core/errors.js';
import type { Output } from '../core/output.js';
import type { EvaluatorInput, Score } from '../core/score.js';
import { type EvaluatorFactory, parseOptions } from '../evaluators/factory.js';
import { askJudge, type JudgeAnswer } from './ask-judge.js';
import { block, boundaryFor, wordCount } from './blocks.js';
import { compileOption, referenceText, requestText } from './case-view.js';
import { combinePairwise, type Side } from './pairwise-verdict.js';
import { setupJudge } from './setup.js';
import { PAIRWISE_FORMAT, type PairwiseVerdict, pairwiseCheck } from './verdict-shapes.js';

const DEFAULT_CRITERIA =
  'Which response serves the user better: correct, complete for what was asked, relevant to the request and clear.';

const schema = z.strictObject({
  type: z.string(),
  name: z.string().optional(),
  judge: z.unknown().optional(),
  /** The other side: a target of this run, or a target of a stored baseline run. */
  against: z.union([
    z.string().min(1),
    z.strictObject({ run: z.string().min(1), target: z.string().min(1).optional() }),
  ]),
  criteria: z.string().min(1).default(DEFAULT_CRITERIA),
  reference: z.string().optional(),
  input: z.string().optional(),
  /** Pass at or above: 1 a win, 0.5 a tie, 0 a loss (default 0.5: not worse than the other side). */
  threshold: z.number().min(0).max(1).default(0.5),
  allowSameFamily: z.boolean().default(false),
  prompt: z.string().optional(),
});

/**
 * `pairwise`: an LLM judge compares this target's output with another's on the same case — a target
 * of the run (`against: <target id>`) or of a stored run (`against: { run: <run id> }`). Both orders
 * are always asked; a win counts only when both agree, a disagreement is a tie and is recorded as
 * position inconsistency. Score: 1 win, 0.5 tie, 0 loss.
 *
 * Use it to choose between two prompts or models, where relative judgements are more reliable than
 * absolute scores. Not for tracking quality over time on its own: a win says nothing absolute.
 */
export const pairwise: EvaluatorFactory = async (config, ctx) => {
  const o = parseOptions(schema, config);
  const name = o.name ?? 'pairwise';
  const setup = await setupJudge('pairwise', name, o, { pairwise: o.prompt }, ctx);
  const prompt = setup.prompts.pairwise!;
  const targets = setup.targets;
  if (typeof o.against === 'string' && targets && !targets.some((t) => t.id === o.against)) {
    throw new AssayError(
      'evaluator.invalid',
      `no target "${o.against}" in this suite (targets: ${targets.map((t) => t.id).join(', ')})`,
      {
        field: 'against',
      },
    );
  }
  const input = compileOption(o.input, 'input');
  const reference = compileOption(o.reference, 'reference');
  const against = typeof o.against === 'string' ? o.against : `run ${o.against.run}`;

  const otherOutput = async (x: EvaluatorInput): Promise<Output | Score> => {
    if (typeof o.against === 'string') {
      const peer = await x.peer?.(o.against);
      return (
        peer ??
        err(
          name,
          `no output from target "${o.against}" for this case (it failed, or the runner gives no peers)`,
        )
      );
    }
    const lookup = x.storedOutput;
    if (!lookup) return err(name, 'comparing with a stored run needs a store: run it with "assay eval"');
    const out = await lookup(o.against.run, x.case.id, o.against.target ?? x.target);
    return out ?? err(name, `run ${o.against.run} has no output for case "${x.case.id}"`);
  };

  return {
    name,
    judgePrompts: setup.records,
    async evaluate(x) {
      // The other side of the comparison is not compared with itself.
      if (typeof o.against === 'string' && x.target === o.against) return [];
      const other = await otherOutput(x);
      if (!('text' in other)) return other;
      const request = requestText(x.case, x.output, input);
      const ref = referenceText(x.case, reference);
      const boundary = boundaryFor([request, x.output.text, other.text, ref ?? null]);
      const render = (a: string, b: string) =>
        prompt.render({
          criteria: o.criteria,
          request: block('request', boundary, request),
          responseA: block('response', boundary, a, 'id="A"'),
          responseB: block('response', boundary, b, 'id="B"'),
          reference: ref === undefined ? '' : block('reference', boundary, ref),
          boundary,
          format: PAIRWISE_FORMAT,
        });
      const selfFirst = render(x.output.text, other.text);
      const otherFirst = render(other.text, x.output.text);
      const ask = (judge: (typeof setup.judges)[number], messages: typeof selfFirst) =>
        askJudge({
          judge,
          messages,
          check: pairwiseCheck,
          ...(x.models ? { models: x.models } : {}),
          ...(x.signal ? { signal: x.signal } : {}),
        });
      const pairs = await Promise.all(
        setup.judges.map((j) => Promise.all([ask(j, selfFirst), ask(j, otherFirst)])),
      );
      const answers: JudgeAnswer<PairwiseVerdict>[] = pairs.flat();
      const base = {
        ...setup.details(x.target, answers, typeof o.against === 'string' ? o.against : undefined),
        against,
        lengths: { self: wordCount(x.output.text), other: wordCount(other.text) },
      };
      const combined = combinePairwise(
        pairs,
        setup.judges.map((j) => j.id),
      );
      if ('error' in combined) return { ...err(name, combined.error), details: base };
      const value = VALUE[combined.verdict];
      const word = combined.verdict === 'self' ? 'win' : combined.verdict === 'other' ? 'loss' : 'tie';
      const why = combined.positionConsistent
        ? ''
        : ' (the verdict flipped with the order: position inconsistent)';
      return {
        evaluator: name,
        value,
        pass: value >= o.threshold,
        reason: `${word} against ${against}${why}: ${combined.reasoning}`,
        details: {
          ...base,
          verdict: word,
          positionConsistent: combined.positionConsistent,
          ...combined.details,
        },
      };
    },
  };
};

const VALUE: Record<Side, number> = { self: 1, tie: 0.5, other: 0 };

function err(evaluator: string, message: string): Score {
  return { evaluator, value: null, pass: null, error: message, reason: message };
}
