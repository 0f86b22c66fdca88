import type { Case } from './case.js';
import type { ModelCaller } from './model-call.js';
import type { ChatMessage } from './provider.js';

/** The next move of a simulated user: a message, or the end of the conversation and why. */
export type SimulatorMove = { message: string } | { stop: 'goal-reached' | 'gave-up' };

/** Plays the user in a conversation, beyond the scripted turns of a case. */
export interface UserSimulator {
  maxTurns: number;
  /**
   * `transcript` is the conversation so far, from the target's point of view. `models` is the run's
   * model-call path (pools, retries, counts); without one, the model is called directly.
   */
  next(c: Case, transcript: ChatMessage[], signal: AbortSignal, models?: ModelCaller): Promise<SimulatorMove>;
}
