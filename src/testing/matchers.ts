import { pathToFileURL } from 'node:url';
// Types only (erased from the JS): brings Vitest's declarations into the build so that `toPass`
// merges into its `expect`. Jest users need `skipLibCheck` (usual) or their own declaration.
import type {} from 'vitest';
import type { Case } from '../core/case.js';
import { errorMessage } from '../core/errors.js';
import type { Output } from '../core/output.js';
import { type Score, scoreError } from '../core/score.js';
import { createEvaluator } from '../evaluators/registry.js';
import { preview } from './preview.js';

/** The optional second argument of `toPass`: the case the output answers. */
export interface ToPassOptions {
  /** The case's `expected` (what `"{{ expected }}"` renders to). */
  expected?: unknown;
  /** The case's variables. */
  vars?: Record<string, unknown>;
  /** Any other field of the case (`sources`, `tags`, …). */
  case?: Partial<Case>;
  /** Folder for relative paths in the evaluator's options (schemas, modules); default the cwd. */
  baseDir?: string;
}

/** An evaluator config: `{ type: 'json-schema', schema }`, or just the type (`'is-json'`). */
export type EvaluatorSpec = string | ({ type: string } & Record<string, unknown>);

interface AssayMatchers<R = unknown> {
  /**
   * Scores the output with any Assay evaluator and passes when every score passes. Async: `await`
   * it. The output is a string, an Output-like object (`{ text, contexts, toolCalls, … }`), or any
   * other value, which is scored as its JSON.
   */
  toPass(evaluator: EvaluatorSpec, options?: ToPassOptions): Promise<R>;
}

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: must match vitest's own declaration to merge with it.
  interface Matchers<T = any> extends AssayMatchers<T> {}
}

/** What a matcher returns in Vitest and Jest. */
export interface MatcherResult {
  pass: boolean;
  message: () => string;
}

/**
 * Matchers for `expect.extend` (Vitest; Jest's shape is the same):
 *
 * @example
 * import { assayMatchers } from 'assay/testing';
 * expect.extend(assayMatchers);
 * await expect(reply).toPass({ type: 'json-schema', schema });
 * await expect(reply).toPass({ type: 'similar', threshold: 0.7 }, { expected: 'Refunds take 5 days.' });
 */
export const assayMatchers = {
  async toPass(
    this: { isNot?: boolean },
    received: unknown,
    evaluator: EvaluatorSpec,
    options: ToPassOptions = {},
  ): Promise<MatcherResult> {
    const config = typeof evaluator === 'string' ? { type: evaluator } : evaluator;
    const output = toOutput(received);
    const scores = await scoreWith(config, output, options);
    const pass = scores.length > 0 && scores.every((s) => s.pass === true);
    const lines = scores.map(
      (s) =>
        `  ${s.pass === true ? '✔' : '✘'} ${s.evaluator}: ${
          s.value === null ? 'no score' : `score ${round(s.value)}`
        }${s.reason || s.error ? ` — ${s.error ?? s.reason}` : ''}`,
    );
    const shown = `  output: ${preview(output.text, 200)}`;
    return {
      pass,
      message: () =>
        this.isNot
          ? `expected the output not to pass ${config.type}, but it did:\n${lines.join('\n')}\n${shown}`
          : `expected the output to pass ${config.type}:\n${lines.join('\n') || '  (no score)'}\n${shown}`,
    };
  },
};

async function scoreWith(
  config: Record<string, unknown>,
  output: Output,
  options: ToPassOptions,
): Promise<Score[]> {
  const e = await createEvaluator(config, {
    baseDir: options.baseDir ?? process.cwd(),
    loadModule: (file) => import(pathToFileURL(file).href),
    // The test process is the edge: keys for model evaluators come from its environment.
    env: process.env,
  });
  const c: Case = {
    id: 'expect',
    tags: {},
    ...options.case,
    vars: { ...options.case?.vars, ...options.vars },
    ...(options.expected === undefined ? {} : { expected: options.expected }),
  };
  try {
    const result = await e.evaluate({ case: c, output, target: 'expect' });
    return Array.isArray(result) ? result : [result];
  } catch (error) {
    // As in a run: an evaluator that throws gives an error score, shown in the failure message.
    return [scoreError(e.name, errorMessage(error))];
  }
}

/** A string is the output's text; an object with `text` is an Output; anything else is scored as JSON. */
function toOutput(received: unknown): Output {
  if (typeof received === 'string') return { text: received, latencyMs: 0 };
  if (received !== null && typeof received === 'object' && typeof (received as Output).text === 'string') {
    return { latencyMs: 0, ...(received as Partial<Output>), text: (received as Output).text };
  }
  return { text: JSON.stringify(received) ?? String(received), latencyMs: 0 };
}

function round(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(3);
}
