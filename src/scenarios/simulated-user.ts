import type { Case } from '../core/case.js';
import { AssayError } from '../core/errors.js';
import { directModelCaller, type ModelCaller } from '../core/model-call.js';
import type { ChatMessage, Provider } from '../core/provider.js';
import type { SimulatorMove, UserSimulator } from '../core/simulator.js';

export const GOAL_REACHED = '[GOAL_REACHED]';
export const GIVE_UP = '[GIVE_UP]';

/** What a case says about the user to simulate (the `simulate` variable of a dataset row). */
export interface Persona {
  persona: string;
  goal: string;
  maxTurns?: number;
}

export function personaOf(c: Case): Persona {
  const s = c.vars.simulate as Partial<Persona> | undefined;
  if (!s || typeof s.persona !== 'string' || typeof s.goal !== 'string') {
    throw new AssayError(
      'dataset.invalid',
      `case ${c.id}: "simulate" needs a "persona" and a "goal" (strings)`,
      { field: 'simulate' },
    );
  }
  return s as Persona;
}

function systemPrompt(p: Persona): string {
  return [
    'You are role-playing a user talking to an assistant. Stay in character; never say you are an AI.',
    `Persona: ${p.persona}`,
    `Your goal: ${p.goal}`,
    'Write only your next message to the assistant, short and natural, as this user would type it.',
    `When your goal has been fully met, reply with exactly ${GOAL_REACHED}.`,
    `If the assistant clearly cannot help you (it refuses, loops or gives up), reply with exactly ${GIVE_UP}.`,
  ].join('\n');
}

/**
 * An LLM playing a persona with a goal. It sees the conversation with the roles swapped (the
 * target's replies are what it is answering), and stops on the goal, on the target giving up, or
 * at the turn limit (the runner's).
 */
export function createUserSimulator(
  provider: Provider,
  options: { maxTurns?: number; params?: Record<string, unknown> } = {},
): UserSimulator {
  return {
    maxTurns: options.maxTurns ?? 6,
    async next(
      c: Case,
      transcript: ChatMessage[],
      signal: AbortSignal,
      models: ModelCaller = directModelCaller,
    ): Promise<SimulatorMove> {
      const p = personaOf(c);
      const userTurns = transcript.filter((m) => m.role === 'user').length;
      if (p.maxTurns !== undefined && userTurns >= p.maxTurns) return { stop: 'gave-up' };
      const swapped: ChatMessage[] = transcript.map((m) => ({
        role: m.role === 'user' ? 'assistant' : 'user',
        content: m.content,
      }));
      if (swapped.length === 0)
        swapped.push({ role: 'user', content: '(The assistant is waiting for your first message.)' });
      // Never cached: the simulated user is part of the conversation under test, not a verdict on it.
      const res = await models.callModel(
        provider,
        {
          messages: [{ role: 'system', content: systemPrompt(p) }, ...swapped],
          params: options.params ?? { temperature: 0 },
        },
        { role: 'simulator', signal },
      );
      const text = res.text.trim();
      if (text.includes(GOAL_REACHED)) return { stop: 'goal-reached' };
      if (text.includes(GIVE_UP)) return { stop: 'gave-up' };
      if (text === '') return { stop: 'gave-up' };
      return { message: text };
    },
  };
}
