import type { Config } from '../config/schema.js';
import type { Case } from '../core/case.js';
import { AssayError } from '../core/errors.js';
import type { Evaluator } from '../core/score.js';
import type { UserSimulator } from '../core/simulator.js';
import type { EvaluatorContext } from '../evaluators/factory.js';
import { createEvaluators } from '../evaluators/registry.js';
import { resolveProvider } from '../providers/registry.js';
import { createUserSimulator } from './simulated-user.js';

/**
 * The parts of a suite that multi-turn cases need: each scripted turn's evaluators, built (and so
 * checked) before anything runs, and the simulated user when the config names one.
 */
export async function buildScenarioParts(
  config: Config,
  cases: Case[],
  ctx: EvaluatorContext,
  file: string,
): Promise<{ turnEvaluators?: Map<string, Evaluator[]>; simulator?: UserSimulator }> {
  const turnEvaluators = new Map<string, Evaluator[]>();
  for (const c of cases) {
    for (const [i, turn] of (c.turns ?? []).entries()) {
      if (!turn.evaluators?.length) continue;
      const built = await createEvaluators(turn.evaluators as Record<string, unknown>[], ctx, {
        file,
        path: [`case ${c.id}`, 'turns', i, 'evaluators'],
      });
      turnEvaluators.set(`${c.id}#${i}`, built);
    }
  }
  const out: { turnEvaluators?: Map<string, Evaluator[]>; simulator?: UserSimulator } = {};
  if (turnEvaluators.size > 0) out.turnEvaluators = turnEvaluators;
  const simulated = cases.find((c) => c.vars.simulate !== undefined);
  if (simulated && !config.simulator) {
    throw new AssayError(
      'config.invalid',
      `case ${simulated.id} has "simulate" but the config names no "simulator"`,
      {
        file,
        field: 'simulator',
      },
    );
  }
  if (config.simulator) {
    const s = config.simulator;
    const provider = await resolveProvider(
      {
        provider: s.provider,
        ...(s.baseURL ? { baseURL: s.baseURL } : {}),
        ...(s.apiKey ? { apiKey: s.apiKey } : {}),
      },
      ctx.env ?? {},
    );
    out.simulator = createUserSimulator(provider, {
      maxTurns: s.maxTurns,
      ...(s.params ? { params: s.params } : {}),
    });
  }
  return out;
}
