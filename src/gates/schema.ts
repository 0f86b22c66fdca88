import { z } from 'zod';

/** Errors (target or evaluator failures) tolerated when no error gate is configured: the brief's 1%. */
export const DEFAULT_MAX_ERROR_RATE = 0.01;

/**
 * The `gates:` block of assay.yaml, the one type every gate reads: the pass-rate and per-stratum
 * gates and the error gates (checked by the runner), the baseline no-regression gate and the
 * re-broken gate (checked after the run, against the store).
 */
export const gatesSchema = z
  .strictObject({
    /** Overall pass rate, 0..1. */
    passRate: z.number().min(0).max(1).optional(),
    /** Per stratum: `{ "difficulty=hard": 0.7, "type": 0.8 }` (a bare key gates every value of it). */
    tags: z.record(z.string(), z.number().min(0).max(1)).optional(),
    /** Most errors (target failures) tolerated, as a count or a fraction below 1. */
    maxErrors: z.number().nonnegative().optional(),
    /**
     * Largest share of results that may be errors, 0..1. Unless `maxErrors` is set, 0.01 applies by
     * default: a run whose calls fail is not a passing run.
     */
    maxErrorRate: z.number().min(0).max(1).optional(),
    /** A run id or a results JSON to compare with. */
    baseline: z.string().optional(),
    /** Fail on any significant regression against `baseline`. */
    noRegression: z.boolean().optional(),
    /** Most re-broken regression cases tolerated (0: a fixed bug may not come back). */
    rebroken: z.number().int().min(0).optional(),
  })
  // A gate that cannot be checked must not pass silently.
  .refine((g) => !g.noRegression || g.baseline, {
    path: ['baseline'],
    message: 'noRegression needs a baseline (a run id or a results JSON)',
  });

export type Gates = z.output<typeof gatesSchema>;
