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
    check: async () => void (await get()),
    plan(c: Case, callOptions: TargetCallOptions = {}): PlannedCall {
      return {
        async invoke(outer, timeoutMs) {
          const fn = await get();
          const { signal, done } = deadline(outer, timeoutMs);
          let value: unknown;
          try {
            const call = Promise.resolve(
              fn(c, { ...(callOptions.messages ? { messages: callOptions.messages } : {}), signal }),
            );
            value = await (timeoutMs
              ? Promise.race([call, timedOut(signal, options.source ?? options.id, timeoutMs)])
              : call);
          } catch (error) {
            if (error instanceof AssayError) throw error;
            const why = error instanceof Error ? error.message : String(error);
            throw new AssayError('target.failed', `${options.source ?? options.id} threw: ${why}`, {
              cause: error,
            });
          } finally {
            done();
          }
          return normalizeAppOutput(checkReturned(value, options.source ?? options.id));
        },
      };
    },
  };
}

/**
 * A target function answers with a string or `{ output }` (or only `toolCalls`). Anything else —
 * `undefined` from a forgotten `return`, `null`, a number, an object without `output` — is an
 * error naming the function and what it returned, never an empty answer that evaluators pass.
 */
function checkReturned(value: unknown, fn: string): unknown {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    const answer = o.output ?? o.text;
    if ((answer !== undefined && answer !== null) || Array.isArray(o.toolCalls ?? o.tool_calls)) return value;
    throw new AssayError(
      'target.failed',
      `${fn} returned an object without "output" (${preview(value)}); return a string or { output }`,
    );
  }
  throw new AssayError('target.failed', `${fn} returned ${preview(value)}; return a string or { output }`);
}

function preview(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/** A signal that aborts with the run or after `timeoutMs`, so your function can stop its work. */
function deadline(outer: AbortSignal, timeoutMs?: number): { signal: AbortSignal; done: () => void } {
  if (!timeoutMs) return { signal: outer, done: () => {} };
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  outer.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(
    () => controller.abort(new AssayError('provider.timeout', 'timed out')),
    timeoutMs,
  );
  return {
    signal: controller.signal,
    done: () => {
      clearTimeout(timer);
      outer.removeEventListener('abort', onAbort);
    },
  };
}

function timedOut(signal: AbortSignal, what: string, ms: number): Promise<never> {
  return new Promise((_, reject) => {
    signal.addEventListener(
      'abort',
      () =>
        reject(new AssayError('provider.timeout', `${what}: no answer within ${ms} ms`, { retryable: true })),
      { once: true },
    );
  });
}
