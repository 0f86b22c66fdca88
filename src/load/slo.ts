import { parseDuration } from '../core/duration.js';
import { AssayError } from '../core/errors.js';
import type { LatencySummary } from './load-recorder.js';

/**
 * A service-level objective on a load test: `p95<5000` (milliseconds), `errors<1%`,
 * `throughput>=45` (responses per second). Latency objectives read the latency of answered
 * requests; `errors` is the share of requests that failed, any kind.
 */
export type SloMetric = 'p50' | 'p90' | 'p95' | 'p99' | 'max' | 'mean' | 'errors' | 'throughput';
export type SloOp = '<' | '<=' | '>' | '>=';

export interface Slo {
  metric: SloMetric;
  op: SloOp;
  /** Milliseconds for latencies, a fraction 0..1 for errors, responses/s for throughput. */
  threshold: number;
}

export interface SloOutcome extends Slo {
  text: string;
  actual: number | null;
  pass: boolean;
}

const METRICS: readonly SloMetric[] = ['p50', 'p90', 'p95', 'p99', 'max', 'mean', 'errors', 'throughput'];

/** The brief's operational targets: median under 2 s, p95 under 5 s, fewer than 1% errors. */
export const DEFAULT_SLO = 'p50<2000,p95<5000,errors<1%';

function fail(message: string, field: string): never {
  throw new AssayError('input.invalid', message, { field });
}

function parseValue(metric: SloMetric, raw: string, field: string): number {
  const text = raw.trim();
  if (metric === 'errors') {
    const pct = /^(\d+(?:\.\d+)?)%$/.exec(text);
    if (pct && Number(pct[1]) <= 100) return Number(pct[1]) / 100;
    const n = Number(text);
    if (text !== '' && Number.isFinite(n) && n >= 0 && n <= 1) return n;
    return fail(`errors takes a percentage like 1% (or a fraction like 0.01), got "${raw}"`, field);
  }
  if (metric === 'throughput') {
    const n = Number(text.replace(/rps$/, ''));
    if (text !== '' && Number.isFinite(n) && n >= 0) return n;
    return fail(`throughput takes responses per second, got "${raw}"`, field);
  }
  if (!/^\d+(\.\d+)?\s*(ms|s|m|h)?$/.test(text))
    return fail(`${metric} takes milliseconds (5000, 5000ms or 5s), got "${raw}"`, field);
  // Documented in milliseconds (like timeoutMs), so a bare number stays one.
  return parseDuration(text, { field, bare: 'ms' });
}

/**
 * Parses `p95<5000,errors<1%` (a flag, or the config's `slo:` as text), or the config's mapping
 * form `{ p95: 5000, errors: "1%" }`, whose values are upper bounds.
 *
 * @example
 * parseSlo('p95<5s,errors<1%'); // [{ metric: 'p95', op: '<', threshold: 5000 }, { metric: 'errors', op: '<', threshold: 0.01 }]
 */
export function parseSlo(spec: string | Record<string, number | string>, field = '--slo'): Slo[] {
  if (typeof spec !== 'string') {
    return Object.entries(spec).map(([metric, value]) => {
      if (!METRICS.includes(metric as SloMetric)) {
        fail(`unknown objective "${metric}" (known: ${METRICS.join(', ')})`, `${field}.${metric}`);
      }
      const m = metric as SloMetric;
      return {
        metric: m,
        op: m === 'throughput' ? '>=' : '<',
        threshold: parseValue(m, String(value), `${field}.${m}`),
      };
    });
  }
  const items = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) fail('no objective given, e.g. p95<5000,errors<1%', field);
  return items.map((item) => {
    const m = /^([a-z0-9]+)\s*(<=|>=|<|>)\s*(.+)$/i.exec(item);
    if (!m) return fail(`"${item}": expected metric, comparison and value, e.g. p95<5000`, field);
    const metric = m[1]!.toLowerCase() as SloMetric;
    if (!METRICS.includes(metric)) fail(`unknown objective "${m[1]}" (known: ${METRICS.join(', ')})`, field);
    return { metric, op: m[2] as SloOp, threshold: parseValue(metric, m[3]!, field) };
  });
}

export interface SloMeasures {
  latencyMs: Omit<LatencySummary, 'min'>;
  errorRate: number | null;
  throughputRps: number | null;
}

function show(metric: SloMetric, x: number): string {
  if (metric === 'errors') return `${+(x * 100).toFixed(2)}%`;
  if (metric === 'throughput') return `${+x.toFixed(1)} rps`;
  return `${+x.toFixed(1)} ms`;
}

/** Checks each objective. One that cannot be measured (no answered request) fails. */
export function checkSlo(slos: readonly Slo[], m: SloMeasures): SloOutcome[] {
  return slos.map((slo) => {
    const actual =
      slo.metric === 'errors'
        ? m.errorRate
        : slo.metric === 'throughput'
          ? m.throughputRps
          : m.latencyMs[slo.metric];
    const limit = `${slo.metric}${slo.op}${show(slo.metric, slo.threshold)}`;
    if (actual === null) return { ...slo, actual, pass: false, text: `${limit}: not measured` };
    const pass =
      slo.op === '<'
        ? actual < slo.threshold
        : slo.op === '<='
          ? actual <= slo.threshold
          : slo.op === '>'
            ? actual > slo.threshold
            : actual >= slo.threshold;
    return { ...slo, actual, pass, text: `${limit}: ${show(slo.metric, actual)}` };
  });
}
