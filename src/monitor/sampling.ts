import type { SamplingRule } from '../config/monitor.js';
import { isNegativeFeedback, type MonitoredTrace, segmentOf } from './traffic.js';

/**
 * A uniform number in [0, 1) from a trace id and a seed (cyrb53, 53 bits): the same trace gets the
 * same draw on every machine and every rerun, so a sample never depends on arrival order.
 */
export function traceDraw(traceId: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < traceId.length; i++) {
    const c = traceId.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)) / 2 ** 53;
}

export interface SamplingOptions {
  segments: readonly string[];
  rate: number;
  minPerSegment: number;
  always: readonly SamplingRule[];
  seed: number;
}

/** Why a trace is in the sample: drawn at the rate, topped up to the minimum, or an `always` rule. */
export type SampleReason = 'rate' | 'min' | `always:${SamplingRule}`;

export interface SampledTrace {
  traceId: string;
  segment: string;
  reason: SampleReason;
  /**
   * How many traces of the traffic this one stands for (1 / its inclusion probability): 1 for an
   * `always` trace, (segment traffic not caught by a rule) / (traces drawn from it) otherwise.
   */
  weight: number;
}

export interface SegmentSampling {
  segment: string;
  /** Traces of this segment in the window. */
  traffic: number;
  /** Traces sampled, rule ones included. */
  sampled: number;
  /** Of which by an `always` rule. */
  always: number;
  /** sampled / traffic. */
  realisedRate: number;
}

export interface WindowSample {
  sampled: SampledTrace[];
  segments: SegmentSampling[];
}

function alwaysRule(trace: MonitoredTrace, rules: readonly SamplingRule[]): SamplingRule | undefined {
  for (const rule of rules) {
    if (rule === 'error' && trace.error) return rule;
    if (rule === 'feedback.negative' && trace.feedback?.some(isNegativeFeedback)) return rule;
    if (rule === 'signal.rephrase' && trace.signals?.includes('rephrase')) return rule;
  }
  return undefined;
}

/**
 * Samples one window of traffic, stratified by segment. Per segment: every trace an `always` rule
 * catches; of the others, each whose draw (`traceDraw`) is below `rate` — so a trace sampled while
 * the window was open stays sampled when it closes — then, if fewer than `minPerSegment`, the
 * lowest draws until that many (or all). Weights make estimates reweightable to the whole traffic.
 *
 * @example
 * sampleWindow(traces, { segments: ['tags.segment'], rate: 0.05, minPerSegment: 20, always: ['error'], seed: 0 })
 */
export function sampleWindow(traces: readonly MonitoredTrace[], opts: SamplingOptions): WindowSample {
  const bySegment = new Map<string, MonitoredTrace[]>();
  for (const t of traces) {
    const key = segmentOf(t, opts.segments);
    const list = bySegment.get(key);
    if (list) list.push(t);
    else bySegment.set(key, [t]);
  }
  const sampled: SampledTrace[] = [];
  const segments: SegmentSampling[] = [];
  for (const [segment, list] of [...bySegment].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const ruled: SampledTrace[] = [];
    const rest: { trace: MonitoredTrace; draw: number }[] = [];
    for (const trace of list) {
      const rule = alwaysRule(trace, opts.always);
      if (rule) ruled.push({ traceId: trace.id, segment, reason: `always:${rule}`, weight: 1 });
      else rest.push({ trace, draw: traceDraw(trace.id, opts.seed) });
    }
    rest.sort((a, b) => a.draw - b.draw || (a.trace.id < b.trace.id ? -1 : 1));
    let take = 0;
    while (take < rest.length && rest[take]!.draw < opts.rate) take++;
    const drawn = take;
    take = Math.max(take, Math.min(opts.minPerSegment, rest.length));
    const weight = take > 0 ? rest.length / take : 0;
    sampled.push(...ruled);
    for (let i = 0; i < take; i++) {
      sampled.push({ traceId: rest[i]!.trace.id, segment, reason: i < drawn ? 'rate' : 'min', weight });
    }
    segments.push({
      segment,
      traffic: list.length,
      sampled: ruled.length + take,
      always: ruled.length,
      realisedRate: (ruled.length + take) / list.length,
    });
  }
  return { sampled, segments };
}

export interface WeightedEstimate {
  /** Plain mean over the sampled traces that have a value. */
  sample: number | null;
  /** Mean with each trace weighted by the traffic it stands for: the estimate for the whole traffic. */
  reweighted: number | null;
  /** Sampled traces with a value. */
  n: number;
}

/**
 * Sample and reweighted means of a per-trace value (a score, a thumbs-down flag) over a sample;
 * `value` returns null for traces that have none (an evaluator that failed), which are left out.
 */
export function estimate(
  sample: readonly SampledTrace[],
  value: (traceId: string) => number | null,
): WeightedEstimate {
  let n = 0;
  let sum = 0;
  let wsum = 0;
  let wtotal = 0;
  for (const s of sample) {
    const v = value(s.traceId);
    if (v === null || !Number.isFinite(v)) continue;
    n++;
    sum += v;
    wsum += s.weight * v;
    wtotal += s.weight;
  }
  return { sample: n ? sum / n : null, reweighted: wtotal > 0 ? wsum / wtotal : null, n };
}
