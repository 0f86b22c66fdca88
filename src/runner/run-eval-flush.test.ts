import { describe, expect, it } from 'vitest';
import type { Case } from '../core/case.js';
import type { Evaluator } from '../core/score.js';
import type { Target } from '../core/target.js';
import { runEval } from './run-eval.js';

const target: Target = {
  id: 't',
  pool: 't',
  describe: () => ({}),
  plan: () => ({ invoke: async () => ({ text: 'x' }) }),
};

describe('runEval group commit', () => {
  // Results that complete in the same tick as the end of a flush once waited for a flush that
  // never came, and were lost. Every microtask depth must store every result.
  it('stores every result whatever the microtask timing of their completion', async () => {
    for (let depth = 0; depth < 12; depth++) {
      let release!: () => void;
      const together = new Promise<void>((r) => {
        release = r;
      });
      setTimeout(release, 5);
      const cases: Case[] = [0, 1, 2].map((i) => ({ id: `c${i}`, vars: {}, tags: {} }));
      const evaluator: Evaluator = {
        name: 'e',
        async evaluate(input) {
          await together;
          if (input.case.id !== 'c0') for (let i = 0; i < depth; i++) await Promise.resolve();
          return { evaluator: 'e', value: 1, pass: true };
        },
      };
      let stored = 0;
      const outcome = await runEval(
        {
          runId: 'r',
          dataset: { name: 'd', version: 'v', cases },
          targets: [target],
          evaluators: [evaluator],
          concurrency: 3,
        },
        {
          sink: {
            write: async (batch) => {
              stored += batch.length;
            },
          },
        },
      );
      expect({ depth, stored }).toEqual({ depth, stored: 3 });
      expect(outcome.summary.total).toBe(3);
    }
  });
});
