import { z } from 'zod';
import { boolScore } from '../core/score.js';
import { type EvaluatorFactory, parseOptions } from './factory.js';

const base = { type: z.string(), name: z.string().optional() };

/** `latency`: the call took at most `max` ms (the brief: a perfect answer in 30 s loses to a good one in 2 s). */
export const latency: EvaluatorFactory = (config) => {
  const o = parseOptions(z.strictObject({ ...base, max: z.number().positive() }), config);
  const name = o.name ?? 'latency';
  return {
    name,
    evaluate({ output }) {
      const pass = output.latencyMs <= o.max;
      return boolScore(
        name,
        pass,
        `${Math.round(output.latencyMs)} ms ${pass ? '≤' : '>'} ${o.max} ms${output.cached ? ' (measured when cached)' : ''}`,
      );
    },
  };
};

/** `cost`: the call cost at most `max` USD. Unknown when the model has no price: then the score is null. */
export const cost: EvaluatorFactory = (config) => {
  const o = parseOptions(z.strictObject({ ...base, max: z.number().nonnegative() }), config);
  const name = o.name ?? 'cost';
  return {
    name,
    evaluate({ output }) {
      if (output.costUsd === undefined)
        return { evaluator: name, value: null, pass: null, reason: 'cost unknown (no usage or no price)' };
      const pass = output.costUsd <= o.max;
      return boolScore(name, pass, `$${output.costUsd.toFixed(6)} ${pass ? '≤' : '>'} $${o.max}`);
    },
  };
};
