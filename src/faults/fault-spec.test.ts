import { describe, expect, it } from 'vitest';
import { AssayError } from '../core/errors.js';
import { formatFaults, parseFaultSpec, pickFault } from './fault-spec.js';

describe('parseFaultSpec', () => {
  it('reads the four kinds with their rates', () => {
    expect(parseFaultSpec('latency=2000@10%,error=500@5%,timeout@1%,reset@1%')).toEqual([
      { kind: 'latency', probability: 0.1, ms: 2000 },
      { kind: 'error', probability: 0.05, status: 500 },
      { kind: 'timeout', probability: 0.01 },
      { kind: 'reset', probability: 0.01 },
    ]);
  });

  it('takes seconds, latency ranges, fractional percentages and a default error status', () => {
    expect(parseFaultSpec('latency=1s-2.5s@12.5%, error@3%')).toEqual([
      { kind: 'latency', probability: 0.125, ms: 1000, maxMs: 2500 },
      { kind: 'error', probability: 0.03, status: 500 },
    ]);
  });

  it.each([
    ['', /no fault given/],
    ['latency=2000', /say how often/],
    ['error=500@5', /percentage/],
    ['error=200@5%', /400 to 599/],
    ['slow=10@5%', /unknown fault "slow"/],
    ['timeout=5@1%', /takes no value/],
    ['latency@5%', /needs a duration/],
    ['latency=3000-1000@5%', /low to high/],
    ['error=500@60%,reset@50%', /more than 100%/],
    ['reset@0%', /above 0%/],
  ])('refuses %j with a message that says why', (spec, why) => {
    let caught: unknown;
    try {
      parseFaultSpec(spec);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AssayError);
    expect((caught as AssayError).code).toBe('input.invalid');
    expect((caught as AssayError).field).toBe('--fault');
    expect((caught as AssayError).message).toMatch(why);
  });

  it('formats back to an equivalent spec', () => {
    const spec = 'latency=500-900@10%,error=503@2.5%,timeout@1%,reset@1%';
    expect(formatFaults(parseFaultSpec(spec))).toBe(spec);
    expect(parseFaultSpec(formatFaults(parseFaultSpec(spec)))).toEqual(parseFaultSpec(spec));
  });
});

describe('pickFault', () => {
  const faults = parseFaultSpec('error=500@20%,reset@10%');

  it('picks faults exclusively by cumulative rate', () => {
    expect(pickFault(faults, 0)?.kind).toBe('error');
    expect(pickFault(faults, 0.1999)?.kind).toBe('error');
    expect(pickFault(faults, 0.2)?.kind).toBe('reset');
    expect(pickFault(faults, 0.2999)?.kind).toBe('reset');
    expect(pickFault(faults, 0.3)).toBeUndefined();
    expect(pickFault(faults, 0.999)).toBeUndefined();
  });

  it('injects each fault at its own rate over a uniform grid of draws', () => {
    const counts = { error: 0, reset: 0, none: 0 };
    for (let i = 0; i < 10_000; i++)
      counts[(pickFault(faults, i / 10_000)?.kind as 'error' | 'reset') ?? 'none']++;
    expect(counts).toEqual({ error: 2000, reset: 1000, none: 7000 });
  });
});
