import { z } from 'zod';
import { parseDuration } from '../core/duration.js';

/** `5%` or `0.05` → 0.05; a fraction in [0, 1]. */
const fraction = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n =
    typeof v === 'number'
      ? v
      : /^\d+(\.\d+)?%$/.test(v.trim())
        ? Number(v.trim().slice(0, -1)) / 100
        : Number.NaN;
  if (!(n >= 0 && n <= 1)) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a percentage like 5% or a fraction like 0.05, got "${v}"`,
    });
    return z.NEVER;
  }
  return n;
});

const duration = z.string().transform((s, ctx) => {
  try {
    return parseDuration(s);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

/** A calendar date or an ISO timestamp (YAML reads a bare 2026-11-01 as a Date). */
const instant = z.union([z.date(), z.string()]).transform((v, ctx) => {
  const ms = v instanceof Date ? v.getTime() : Date.parse(v);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: `expected a date like 2026-11-01, got "${String(v)}"` });
    return z.NEVER;
  }
  return new Date(ms).toISOString();
});

/** A bare date as the end of a range means the end of that day: `to: 2026-11-14` includes the 14th. */
const endInstant = z.union([z.date(), z.string()]).transform((v, ctx) => {
  const bareDate =
    v instanceof Date
      ? v.getUTCHours() + v.getUTCMinutes() + v.getUTCSeconds() === 0
      : /^\d{4}-\d{2}-\d{2}$/.test(v.trim());
  const ms = v instanceof Date ? v.getTime() : Date.parse(v);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: `expected a date like 2026-11-14, got "${String(v)}"` });
    return z.NEVER;
  }
  return new Date(bareDate ? ms + 86_400_000 : ms).toISOString();
});

/** What traffic a window is compared with. */
const referenceSchema = z.union([
  z.strictObject({ from: instant, to: endInstant }),
  z.strictObject({ run: z.string().min(1) }),
  z.strictObject({ 'previous-windows': z.number().int().min(1).max(365) }),
]);

export const SAMPLING_ALWAYS = ['error', 'feedback.negative', 'signal.rephrase'] as const;
export const OUTPUT_DRIFT = ['length', 'json-valid', 'refusal', 'language'] as const;
export const METRIC_DRIFT = [
  'online-score',
  'thumbs-down-rate',
  'rephrase-rate',
  'latency-p95',
  'cost-per-query',
  'error-rate',
] as const;

/**
 * The `monitor:` section: how production traffic is sampled, scored, watched for drift and alerted
 * on. Every key has a default, so `monitor: {}` is a working configuration.
 */
export const monitorSchema = z.strictObject({
  project: z.string().min(1).default('default'),
  /** How often `assay serve` looks for a window that has closed (default 1m). */
  checkEvery: duration.default(60_000),
  /** Dot paths into a trace (`tags.segment`, `model`, `promptVersion`, `metadata.plan`) whose values stratify traffic. */
  segments: z.array(z.string().min(1)).default(['tags.segment']),
  sampling: z
    .strictObject({
      /** Share of each segment's traffic sampled per window. */
      rate: fraction.default(0.05),
      /** Small segments are sampled up to this many traces per window (all of them when fewer). */
      minPerSegment: z.number().int().min(0).default(20),
      /** Traces sampled whatever the rate. */
      always: z.array(z.enum(SAMPLING_ALWAYS)).default([...SAMPLING_ALWAYS]),
      /** Mixed into the per-trace hash: another seed draws another (equally valid) sample. */
      seed: z.number().int().default(0),
    })
    .default({ rate: 0.05, minPerSegment: 20, always: [...SAMPLING_ALWAYS], seed: 0 }),
  /** The same evaluator configs as offline (`{ type, ...options }`), validated by their factories. */
  evaluators: z.array(z.looseObject({ type: z.string().min(1), name: z.string().optional() })).default([]),
  budget: z
    .strictObject({
      judgeCallsPerHour: z.number().int().min(0).optional(),
      usdPerDay: z.number().min(0).optional(),
    })
    .default({}),
  /** Sampling into human review (its own issue); validated here so one file configures both. */
  review: z
    .strictObject({
      queue: z.string().min(1).default('default'),
      rate: fraction.default(0.02),
      stratifyBy: z.array(z.string().min(1)).default([]),
    })
    .optional(),
  drift: z
    .strictObject({
      reference: referenceSchema.default({ 'previous-windows': 7 }),
      window: duration.default(86_400_000),
      inputs: z.enum(['embedding', 'off']).default('embedding'),
      outputs: z.array(z.enum(OUTPUT_DRIFT)).default([...OUTPUT_DRIFT]),
      metrics: z.array(z.enum(METRIC_DRIFT)).default([...METRIC_DRIFT]),
      /** Also test each segment (by `segments`) against its own reference, in the window's one Holm family. */
      bySegment: z.boolean().default(false),
    })
    .default({
      reference: { 'previous-windows': 7 },
      window: 86_400_000,
      inputs: 'embedding',
      outputs: [...OUTPUT_DRIFT],
      metrics: [...METRIC_DRIFT],
      bySegment: false,
    }),
  correlation: z
    .strictObject({
      /** An offline evaluator name (its mean score in the runs of the period) or a run metric (`pass-rate`). */
      offline: z.string().min(1).default('pass-rate'),
      online: z.string().min(1).default('thumbs-up-rate'),
      periods: z.number().int().min(3).default(8),
      alertBelow: z.number().min(-1).max(1).default(0.7),
    })
    .optional(),
  alerts: z
    .strictObject({
      notify: z.strictObject({ webhook: z.url().optional() }).default({}),
      cooldown: duration.default(21_600_000),
    })
    .default({ notify: {}, cooldown: 21_600_000 }),
});

export type MonitorConfigInput = z.input<typeof monitorSchema>;
export type MonitorConfig = z.output<typeof monitorSchema>;
export type DriftReference = MonitorConfig['drift']['reference'];
export type OutputDriftName = (typeof OUTPUT_DRIFT)[number];
export type MetricDriftName = (typeof METRIC_DRIFT)[number];
export type SamplingRule = (typeof SAMPLING_ALWAYS)[number];
