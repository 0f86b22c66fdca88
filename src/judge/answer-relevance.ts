import { z } from 'zod';
import { templateScope } from '../core/case.js';
import { createEmbeddingService } from '../embeddings/service.js';
import { embedderSpecSchema } from '../embeddings/spec.js';
import { cosine } from '../embeddings/vector.js';
import { type EvaluatorFactory, parseOptions } from '../evaluators/factory.js';
import { askJudgeText, type JudgeAnswer } from './ask-judge.js';
import { compileOption } from './case-view.js';
import { promptSent, ragOptions, ragScore } from './rag.js';
import { setupJudge } from './setup.js';

const QUESTIONS = 3;

/**
 * `answer-relevance`: does the answer address the question? The judge writes, three times, the
 * question the answer would be the answer to; each is embedded and compared (cosine) with the real
 * question, and the mean similarity is the score, passing at `threshold` (0.5). The question is
 * `input` (a template), else the case's `query` variable, else the prompt the target was sent; the embedder is `embedder`, else the
 * suite's. promptfoo's method (after ragas), for suites brought from it.
 *
 * Use it to catch answers that drift off the question. Not a check of correctness: a wrong answer
 * to the right question scores high. The figure depends on the embedder: calibrate the threshold.
 */
export const answerRelevance: EvaluatorFactory = async (config, ctx) => {
  const o = parseOptions(
    z.strictObject({ ...ragOptions, input: z.string().optional(), embedder: embedderSpecSchema.optional() }),
    config,
  );
  const name = o.name ?? 'answer-relevance';
  const setup = await setupJudge('rag', name, o, { 'answer-relevance': undefined }, ctx);
  const input = compileOption(o.input, 'input');
  const service = ctx.embeddings ?? createEmbeddingService(ctx.env ? { env: ctx.env } : {});
  const embedder = await service.embedder(o.embedder);

  return {
    name,
    judgePrompts: setup.records,
    async evaluate({ case: c, output, target, signal, models }) {
      const query = c.vars.query;
      const question = input
        ? input(templateScope(c))
        : typeof query === 'string'
          ? query
          : promptSent(output);
      if (question === undefined)
        return ragScore(
          name,
          o.threshold,
          [{ error: 'no question to compare with' }],
          setup.details(target, []),
        );
      const messages = setup.prompts['answer-relevance']!.render({ answer: output.text });
      const answers: JudgeAnswer<string>[] = [];
      const graded = await Promise.all(
        setup.judges.map(async (judge) => {
          const asked: string[] = [];
          for (let sample = 1; sample <= QUESTIONS; sample++) {
            const a = await askJudgeText({
              judge,
              messages,
              sample,
              ...(models ? { models } : {}),
              ...(signal ? { signal } : {}),
            });
            answers.push(a);
            if (!a.ok) return { error: a.error };
            asked.push(a.verdict);
          }
          try {
            const [q, ...generated] = await embedder.embed([question, ...asked], {
              ...(signal ? { signal } : {}),
              ...(models ? { models } : {}),
            });
            const sims = generated.map((v) => cosine(q!, v));
            const score = sims.reduce((s, x) => s + x, 0) / sims.length;
            return {
              score,
              reason: `questions the answer fits: ${asked.map((x) => JSON.stringify(x.trim())).join(', ')}`,
              details: {
                embedder: embedder.id,
                questions: asked.map((x, i) => ({ question: x, similarity: sims[i] })),
              },
            };
          } catch (error) {
            return { error: `${embedder.id} failed: ${(error as Error).message}` };
          }
        }),
      );
      return ragScore(name, o.threshold, graded, setup.details(target, answers));
    },
  };
};
