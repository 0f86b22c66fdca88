import { describe, expect, it } from 'vitest';
import type { Case } from '../core/case.js';
import { AssayError } from '../core/errors.js';
import type { Target } from '../core/target.js';
import { createFunctionTarget, type TargetFunction } from '../targets/function-target.js';
import { runLoad } from './run-load.js';

const cases = (n: number): Case[] =>
  Array.from({ length: n }, (_, i) => ({ id: `c${i}`, vars: {}, tags: {} }));
const target = (fn: TargetFunction): Target => createFunctionTarget({ id: 'fn', fn });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('runLoad', () => {
  it('closed loop: never more than C requests in flight, cases cycled in order', async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: string[] = [];
    const result = await runLoad({
      target: target(async (c) => {
        seen.push(c.id);
        peak = Math.max(peak, ++inFlight);
        await sleep(5);
        inFlight--;
        return 'ok';
      }),
      cases: cases(4),
      concurrency: 3,
      durationMs: 200,
      timeoutMs: 1000,
    });
    expect(peak).toBe(3);
    expect(result.peakInFlight).toBe(3);
    expect(seen.slice(0, 8)).toEqual(['c0', 'c1', 'c2', 'c3', 'c0', 'c1', 'c2', 'c3']);
    expect(result.mode).toBe('closed');
    expect(result.requests).toBe(seen.length);
    expect(result.ok).toBe(seen.length);
    expect(result.errors).toBe(0);
    expect(result.errorRate).toBe(0);
    expect(result.latencyMs.p50).toBeGreaterThanOrEqual(4.5);
    expect(result.lagMs).toBeNull();
    expect(result.ttftMs).toBeNull();
  });

  it('open loop: sends exactly rate × duration requests and counts errors by kind', async () => {
    const kinds: (() => never)[] = [
      () => {
        throw new AssayError('provider.http', 'HTTP 500', { status: 500 });
      },
      () => {
        throw new AssayError('provider.rate-limit', 'HTTP 429', { status: 429 });
      },
      () => {
        throw new AssayError('provider.http', 'HTTP 404', { status: 404 });
      },
      () => {
        throw new AssayError('provider.network', 'ECONNRESET');
      },
      () => {
        throw new AssayError('provider.timeout', 'slow');
      },
      () => {
        throw new Error('boom');
      },
    ];
    const result = await runLoad({
      target: target((c) => {
        const i = Number(c.id.slice(1));
        if (i < kinds.length) kinds[i]!();
        return 'fine';
      }),
      cases: cases(8),
      rps: 400,
      durationMs: 200,
      timeoutMs: 1000,
    });
    expect(result.sent).toBe(80);
    expect(result.requests).toBe(80);
    expect(result.errorsByKind).toEqual({
      '5xx': 10,
      '429': 10,
      '4xx': 10,
      connection: 10,
      timeout: 10,
      other: 10,
    });
    expect(result.errors).toBe(60);
    expect(result.ok).toBe(20);
    expect(result.errorRate).toBe(0.75);
    expect(result.errorSamples['5xx']).toBe('HTTP 500');
    expect(result.errorSamples.other).toMatch(/boom/);
    expect(result.lagMs).not.toBeNull();
  });

  it('open loop: a request with no answer within the timeout is a timeout, and the test still ends', async () => {
    const result = await runLoad({
      target: target(
        (_c, { signal }) =>
          new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
      ),
      cases: cases(1),
      rps: 100,
      durationMs: 100,
      timeoutMs: 50,
    });
    expect(result.sent).toBe(10);
    expect(result.errorsByKind.timeout).toBe(10);
    expect(result.ok).toBe(0);
    expect(result.latencyMs.p50).toBeNull();
  });

  it('open loop: latency counts from when a request was due, so a stall is not hidden (no coordinated omission)', async () => {
    let first = true;
    const result = await runLoad({
      target: target(() => {
        if (first) {
          first = false;
          // Block the event loop: requests due meanwhile cannot start on time.
          const until = performance.now() + 200;
          while (performance.now() < until) {}
        }
        return 'ok';
      }),
      cases: cases(1),
      rps: 100,
      durationMs: 500,
      timeoutMs: 1000,
    });
    expect(result.sent).toBe(50);
    expect(result.ok).toBe(50);
    // The requests due during the stall started up to 200 ms late, and their latency says so.
    expect(result.lagMs!.max!).toBeGreaterThanOrEqual(150);
    expect(result.latencyMs.max!).toBeGreaterThanOrEqual(150);
    expect(result.latencyMs.p90!).toBeGreaterThanOrEqual(result.latencyMs.p50!);
  });

  it('plans each case once and invokes the plan for every request', async () => {
    let plans = 0;
    let calls = 0;
    const base = target(() => {
      calls++;
      return 'ok';
    });
    const counting: Target = {
      ...base,
      plan(c, o) {
        plans++;
        return base.plan(c, o);
      },
    };
    const result = await runLoad({
      target: counting,
      cases: cases(3),
      rps: 300,
      durationMs: 100,
      timeoutMs: 1000,
    });
    expect(result.sent).toBe(30);
    expect(calls).toBe(30);
    expect(plans).toBe(3);
  });

  it('measures time to first token when the call streams', async () => {
    const result = await runLoad({
      target: target(() => 'unused'),
      cases: cases(1),
      concurrency: 1,
      durationMs: 60,
      timeoutMs: 1000,
      call: async (_c, _signal, onFirstToken) => {
        await sleep(2);
        onFirstToken();
        await sleep(8);
      },
    });
    expect(result.ttftMs).not.toBeNull();
    expect(result.ttftMs!.p50!).toBeGreaterThanOrEqual(1.5);
    expect(result.ttftMs!.p50!).toBeLessThan(result.latencyMs.p50!);
  });

  it('ends a request at its timeout even when the call ignores its abort signal', async () => {
    const result = await runLoad({
      target: target(() => new Promise(() => {})),
      cases: cases(1),
      concurrency: 2,
      durationMs: 120,
      timeoutMs: 40,
    });
    expect(result.requests).toBeGreaterThanOrEqual(2);
    expect(result.errorsByKind.timeout).toBe(result.requests);
  });

  it('stops when its signal aborts; requests in flight are cancelled, not counted as errors', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const result = await runLoad({
      // A call that never ends, even when aborted: the interrupt must not wait for it.
      target: target(() => new Promise(() => {})),
      cases: cases(1),
      rps: 100,
      durationMs: 10_000,
      timeoutMs: 60_000,
      signal: controller.signal,
    });
    expect(result.sent).toBeGreaterThan(0);
    expect(result.sent).toBeLessThan(100);
    expect(result.cancelled).toBe(result.sent);
    expect(result.errors).toBe(0);
  });

  it('needs exactly one of rps and concurrency', async () => {
    const t = target(() => 'ok');
    await expect(runLoad({ target: t, cases: cases(1), durationMs: 10, timeoutMs: 10 })).rejects.toThrow(
      /either/,
    );
    await expect(
      runLoad({ target: t, cases: cases(1), rps: 1, concurrency: 1, durationMs: 10, timeoutMs: 10 }),
    ).rejects.toThrow(/either/);
    await expect(runLoad({ target: t, cases: [], rps: 1, durationMs: 10, timeoutMs: 10 })).rejects.toThrow(
      /no cases/,
    );
  });
});
