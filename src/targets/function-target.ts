import type { Case } from '../core/case.js';
import { AssayError } from '../core/errors.js';
import type { ChatMessage } from '../core/provider.js';
import type { PlannedCall, Target, TargetCallOptions } from '../core/target.js';
import { normalizeAppOutput } from './normalize-output.js';

/** The second argument a target function receives. */
export interface TargetFunctionContext {
  /** The conversation so far, in multi-turn scenarios. */
  messages?: ChatMessage[];
  signal: AbortSignal;
}

export type TargetFunction = (c: Case, context: TargetFunctionContext) => unknown;

export interface FunctionTargetOptions {
  id: string;
  /** The function itself, or a loader that imports it on first use. */
  fn: TargetFunction | (() => Promise<TargetFunction>);
  /** Shown in provenance (`./app.mjs#answer`). */
  source?: string;
  lazy?: boolean;
}

/**
 * Your own code as the target: called with the case (its `vars`, `expected`, `tags`, …) and returns
 * a string or `{ output, contexts?, toolCalls?, usage? }`. Never cached: your code may change.
 */
export function createFunctionTarget(options: FunctionTargetOptions): Target {
  let loaded: Promise<TargetFunction> | undefined;
  const get = (): Promise<TargetFunction> => {
    if (!options.lazy) return Promise.resolve(options.fn as TargetFunction);
    loaded ??= (options.fn as () => Promise<TargetFunction>)();
    return loaded;
  };
  return {
    id: options.id,
    pool: `function:${options.id}`,
    describe: () => ({ id: options.id, provider: 'function', module: options.source ?? options.id }),
    plan(c: Case, callOptions: TargetCallOptions = {}): PlannedCall {
      return {
        async invoke(signal) {
          const fn = await get();
          let value: unknown;
          try {
            value = await fn(c, {
              ...(callOptions.messages ? { messages: callOptions.messages } : {}),
              signal,
            });
          } catch (error) {
            if (error instanceof AssayError) throw error;
            const why = error instanceof Error ? error.message : String(error);
            throw new AssayError('target.failed', `${options.source ?? options.id} threw: ${why}`, {
              cause: error,
            });
          }
          return normalizeAppOutput(value);
        },
      };
    },
  };
}
