import { describe, expect, it } from 'vitest';
import { checkTool } from './tool-check.js';

const ORDERS: Record<string, { status: string }> = { A1: { status: 'shipped' } };

async function lookupOrder(input: { id: string }, { signal }: { signal: AbortSignal }) {
  if (!/^[A-Z]\d+$/.test(input.id)) throw new Error(`invalid order id "${input.id}"`);
  if (input.id === 'Z9') {
    // A backend that never answers, but which stops when asked to.
    return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
  }
  const order = ORDERS[input.id];
  if (!order) throw new Error(`no order ${input.id}`);
  return order;
}

describe('checkTool', () => {
  it('checks outputs, errors, and cuts a hung call at its timeout', async () => {
    let signalSeen: AbortSignal | undefined;
    const report = await checkTool(
      (input: { id: string }, ctx) => {
        signalSeen = ctx.signal;
        return lookupOrder(input, ctx);
      },
      {
        timeoutMs: 1000,
        cases: [
          { name: 'known order', input: { id: 'A1' }, expected: { status: 'shipped' } },
          { name: 'unknown order', input: { id: 'B2' }, expectError: 'no order B2' },
          { name: 'bad id', input: { id: 'drop table' }, expectError: /invalid order id/ },
          { name: 'hanging backend', input: { id: 'Z9' }, expectTimeout: true, timeoutMs: 50 },
        ],
      },
    );
    expect(report.results.map((r) => [r.name, r.outcome, r.pass])).toEqual([
      ['known order', 'returned', true],
      ['unknown order', 'threw', true],
      ['bad id', 'threw', true],
      ['hanging backend', 'timed-out', true],
    ]);
    expect(report.ok).toBe(true);
    const hung = report.results[3]!;
    // The proof the timeout fired: the call was abandoned and its signal aborted, no sooner than asked.
    expect(hung.abandoned).toBe(true);
    expect(signalSeen?.aborted).toBe(true);
    expect(hung.elapsedMs).toBeGreaterThanOrEqual(49);
    expect(report.results.slice(0, 3).every((r) => !r.abandoned)).toBe(true);
  });

  it('fails a hang that was not expected, and a tool that never returns at all', async () => {
    const never = () => new Promise(() => {});
    const report = await checkTool(never, { timeoutMs: 30, cases: [{ input: 1, expected: 1 }] });
    expect(report.ok).toBe(false);
    expect(report.results[0]).toMatchObject({
      outcome: 'timed-out',
      abandoned: true,
      pass: false,
      problem: 'timed out after 30 ms (the call was abandoned and its signal aborted)',
    });
  });

  it('catches synchronous throws, and fails errors returned as values', async () => {
    const syncThrow = () => {
      throw new TypeError('bad input');
    };
    const returnsError = () => ({ error: 'upstream down' });
    const a = await checkTool(syncThrow, {
      cases: [
        { input: 1, expected: 2 },
        { input: 1, expectError: 'bad' },
      ],
    });
    expect(a.results.map((r) => r.problem)).toEqual(['threw TypeError: bad input', undefined]);
    const b = await checkTool(returnsError, { cases: [{ input: 1, expectError: true }] });
    expect(b.results[0]!.problem).toBe(
      'expected an error (any error), but returned {"error":"upstream down"}',
    );
  });
});
