import { z } from 'zod';
import { templateScope } from '../core/case.js';
import { type Score, scoreError } from '../core/score.js';
import { createEmbeddingService, type EmbeddingService } from '../embeddings/service.js';
import { embedderSpecSchema } from '../embeddings/spec.js';
import { cosine, isZero } from '../embeddings/vector.js';
import { compileDeep } from '../templates/render.js';
import { type EvaluatorContext, type EvaluatorFactory, parseOptions } from './factory.js';

/**
 * The default pass mark. With the local embedder, paraphrases measured 0.6–0.95 and unrelated
 * sentences about 0 (docs/embeddings.md); sentence-embedding models put paraphrases higher, so
 * calibrate the threshold on a few of your own outputs whichever embedder you use.
 */
export const DEFAULT_SIMILARITY_THRESHOLD = 0.6;

function short(text: string, max = 60): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

function serviceFrom(ctx: EvaluatorContext): EmbeddingService {
  return ctx.embeddings ?? createEmbeddingService(ctx.env ? { env: ctx.env } : {});
}

/**
 * `similar`: cosine similarity between the output and a reference (`value`, default
 * `"{{ expected }}"`; with a list, the closest reference counts), as the score, passing at
 * `threshold`. The embedder is `embedder:` here, else the config's top-level `embedder:`, else the
 * built-in offline one (`local`).
 *
 * Use it when a right answer can be worded many ways. Not for facts that hinge on a number, a name
 * or a "not": embeddings (the local one above all) barely see them — use `contains`, `numeric` or
 * a judge for those.
 */
export const similar: EvaluatorFactory = async (config, ctx) => {
  const o = parseOptions(
    z.strictObject({
      type: z.string(),
      name: z.string().optional(),
      value: z.union([z.string(), z.array(z.string()).min(1)]).default('{{ expected }}'),
      threshold: z.number().min(0).max(1).default(DEFAULT_SIMILARITY_THRESHOLD),
      embedder: embedderSpecSchema.optional(),
    }),
    config,
  );
  const name = o.name ?? 'similar';
  const render = compileDeep(o.value, `${name}.value`);
  // Resolved now, so an unknown provider fails when the suite is built; nothing is loaded yet.
  const embedder = await serviceFrom(ctx).embedder(o.embedder);

  return {
    name,
    async evaluate(input): Promise<Score> {
      const rendered = render({ ...templateScope(input.case), output: input.output.text });
      const references = (Array.isArray(rendered) ? rendered : [rendered])
        .filter((r) => r !== undefined && r !== null)
        .map((r) => (typeof r === 'string' ? r : JSON.stringify(r)))
        .filter((r) => r.trim() !== '');
      if (references.length === 0) return scoreError(name, 'no reference text to compare with');
      const text = input.output.text;
      if (text.trim() === '') return { evaluator: name, value: 0, pass: false, reason: 'empty output' };

      const [out, ...refs] = await embedder.embed([text, ...references], {
        ...(input.signal ? { signal: input.signal } : {}),
        ...(input.models ? { models: input.models } : {}),
      });
      const usable = refs.map((v, i) => ({ i, v: v! })).filter(({ v }) => !isZero(v));
      if (usable.length === 0) {
        return scoreError(name, `${embedder.id} knows no word of the reference ${short(references[0]!)}`);
      }
      if (isZero(out!)) {
        return {
          evaluator: name,
          value: 0,
          pass: false,
          reason: `${embedder.id} knows no word of the output`,
          details: { embedder: embedder.id },
        };
      }
      const sims = usable.map(({ i, v }) => ({ i, s: cosine(out!, v) }));
      const best = sims.reduce((a, b) => (b.s > a.s ? b : a));
      const value = Math.min(1, Math.max(0, best.s));
      const pass = value >= o.threshold;
      const against =
        references.length > 1 ? ` (closest of ${references.length}: ${short(references[best.i]!)})` : '';
      return {
        evaluator: name,
        value,
        pass,
        reason: `similarity ${value.toFixed(3)} ${pass ? '≥' : '<'} ${o.threshold}${against}`,
        details: {
          embedder: embedder.id,
          similarity: best.s,
          reference: best.i,
          ...(references.length > 1 ? { similarities: sims.map((x) => x.s) } : {}),
        },
      };
    },
  };
};
