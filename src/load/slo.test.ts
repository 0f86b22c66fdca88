import { describe, expect, it } from 'vitest';
import { AssayError } from '../core/errors.js';
import { checkSlo, DEFAULT_SLO, parseSlo, type SloMeasures } from './slo.js';

const measures = (over: Partial<SloMeasures> = {}): SloMeasures => ({
  latencyMs: { p50: 900, p90: 2000, p95: 3000, p99: 6000, max: 9000, mean: 1200 },
  errorRate: 0.004,
  throughputRps: 48,
  ...over,
});

describe('parseSlo', () => {
  it('reads the flag form with units and comparisons', () => {
    expect(parseSlo('p95<5s, errors<1%, p99<=800ms, throughput>=45')).toEqual([
      { metric: 'p95', op: '<', threshold: 5000 },
      { metric: 'errors', op: '<', threshold: 0.01 },
      { metric: 'p99', op: '<=', threshold: 800 },
      { metric: 'throughput', op: '>=', threshold: 45 },
    ]);
  });

  it('reads the config mapping form as upper bounds (lower for throughput)', () => {
    expect(parseSlo({ p50: 2000, errors: '0.5%', throughput: 10 }, 'slo')).toEqual([
      { metric: 'p50', op: '<', threshold: 2000 },
      { metric: 'errors', op: '<', threshold: 0.005 },
      { metric: 'throughput', op: '>=', threshold: 10 },
    ]);
  });

  it('has the brief’s defaults', () => {
    expect(parseSlo(DEFAULT_SLO).map((s) => `${s.metric}${s.op}${s.threshold}`)).toEqual([
      'p50<2000',
      'p95<5000',
      'errors<0.01',
    ]);
  });

  it.each([
    ['p97<10', /unknown objective "p97"/],
    ['p95=10', /expected metric, comparison and value/],
    ['errors<150%', /percentage/],
    ['p95<fast', /milliseconds/],
    ['', /no objective/],
  ])('refuses %j', (spec, why) => {
    expect(() => parseSlo(spec)).toThrow(why);
    expect(() => parseSlo(spec)).toThrow(AssayError);
  });

  it('names the config field of a bad mapping entry', () => {
    try {
      parseSlo({ p95: 'soon' }, 'slo');
      expect.unreachable();
    } catch (error) {
      expect((error as AssayError).field).toBe('slo.p95');
    }
  });
});

describe('checkSlo', () => {
  it('passes and fails each objective on its own measure', () => {
    const out = checkSlo(parseSlo('p50<2000,p95<5000,p99<5000,errors<1%,throughput>=50'), measures());
    expect(out.map((o) => [o.metric, o.pass])).toEqual([
      ['p50', true],
      ['p95', true],
      ['p99', false],
      ['errors', true],
      ['throughput', false],
    ]);
    expect(out[2]!.text).toBe('p99<5000 ms: 6000 ms');
    expect(out[3]!.text).toBe('errors<1%: 0.4%');
  });

  it('fails an objective that could not be measured (nothing answered)', () => {
    const none = measures({
      latencyMs: { p50: null, p90: null, p95: null, p99: null, max: null, mean: null },
      errorRate: 1,
    });
    const [p50, errors] = checkSlo(parseSlo('p50<2000,errors<1%'), none);
    expect(p50).toMatchObject({ pass: false, actual: null, text: 'p50<2000 ms: not measured' });
    expect(errors!.pass).toBe(false);
  });

  it('is strict on "<" and inclusive on "<="', () => {
    const m = measures({ errorRate: 0.01 });
    expect(checkSlo(parseSlo('errors<1%'), m)[0]!.pass).toBe(false);
    expect(checkSlo(parseSlo('errors<=1%'), m)[0]!.pass).toBe(true);
  });
});
