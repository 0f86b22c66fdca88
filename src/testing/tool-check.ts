import { isDeepStrictEqual } from 'node:util';
import { failure } from './failure.js';
import { errorText, preview } from './preview.js';

/** A tool as the app calls it; a well-behaved one stops when `signal` aborts. */
export type ToolFunction<I = unknown> = (input: I, context: { signal: AbortSignal }) => unknown;

export interface ToolCase<I = unknown> {
  name?: string;
  input: I;
  /** The result must deep-equal this. */
  expected?: unknown;
  /** The call must fail: any error (`true`), one whose message contains a text or matches a pattern, or passes a test. */
  expectError?: true | string | RegExp | ((error: unknown) => boolean);
  /** The call must hang and be cut at the timeout (to prove the harness cuts a hung tool). */
  expectTimeout?: boolean;
  /** This case's timeout, instead of the check's. */
  timeoutMs?: number;
}

export interface ToolCheckOptions<I = unknown> {
  cases: ToolCase<I>[];
  /** How long a call may take before it is cut (default 5000 ms). */
  timeoutMs?: number;
}

export interface ToolCaseResult {
  name: string;
  pass: boolean;
  outcome: 'returned' | 'threw' | 'timed-out';
  /** Wall time until the call settled, or until it was cut. */
  elapsedMs: number;
  value?: unknown;
  error?: string;
  /**
   * The call was still pending when its timeout fired: the harness stopped waiting for it and
   * aborted its signal. Its result, if it ever comes, is ignored.
   */
  abandoned: boolean;
  /** Why the case failed. */
  problem?: string;
}

export interface ToolReport {
  ok: boolean;
  results: ToolCaseResult[];
}

const TIMED_OUT = Symbol('timed out');

/**
 * A contract harness for a tool: known inputs give the expected outputs, errors surface as errors
 * (never as a value), and a call that hangs is cut at its timeout, abandoned, and its signal aborted.
 * It cannot cut a tool that blocks the event loop (a synchronous endless loop): run such code in a
 * worker.
 *
 * @example
 * const report = await checkTool(getWeather, { timeoutMs: 500, cases: [
 *   { input: { city: 'Paris' }, expected: { tempC: 18 } },
 *   { input: { city: '' }, expectError: /city/ },
 * ] });
 */
export async function checkTool<I>(tool: ToolFunction<I>, options: ToolCheckOptions<I>): Promise<ToolReport> {
  const results: ToolCaseResult[] = [];
  for (const [i, c] of options.cases.entries()) {
    results.push(
      await runCase(tool, c, c.name ?? `case #${i + 1}`, c.timeoutMs ?? options.timeoutMs ?? 5000),
    );
  }
  return { ok: results.every((r) => r.pass), results };
}

/** `checkTool`, throwing an assertion error that lists the failing cases. */
export async function assertTool<I>(
  tool: ToolFunction<I>,
  options: ToolCheckOptions<I>,
): Promise<ToolReport> {
  const report = await checkTool(tool, options);
  if (!report.ok) throw failure(formatToolReport(report));
  return report;
}

export function formatToolReport(report: ToolReport): string {
  const failed = report.results.filter((r) => !r.pass);
  if (failed.length === 0) return `tool OK: ${report.results.length} cases`;
  const lines = failed.map((r) => `  ✘ ${r.name}: ${r.problem}`);
  return `tool check failed: ${failed.length} of ${report.results.length} cases\n${lines.join('\n')}`;
}

async function runCase<I>(
  tool: ToolFunction<I>,
  c: ToolCase<I>,
  name: string,
  timeoutMs: number,
): Promise<ToolCaseResult> {
  const controller = new AbortController();
  const started = performance.now();
  // Through a promise, so a tool that throws synchronously is caught like one that rejects.
  const call = Promise.resolve().then(() => tool(c.input, { signal: controller.signal }));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs);
  });
  const settled = call.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  const first = await Promise.race([settled, timeout]);
  clearTimeout(timer);
  const elapsedMs = performance.now() - started;

  if (first === TIMED_OUT) {
    controller.abort(new Error(`timed out after ${timeoutMs} ms`));
    const result: ToolCaseResult = {
      name,
      pass: c.expectTimeout === true,
      outcome: 'timed-out',
      elapsedMs,
      abandoned: true,
    };
    if (!result.pass)
      result.problem = `timed out after ${timeoutMs} ms (the call was abandoned and its signal aborted)`;
    return result;
  }
  const base = { name, elapsedMs, abandoned: false };
  if (!first.ok) {
    const error = errorText(first.error);
    const result: ToolCaseResult = { ...base, pass: true, outcome: 'threw', error };
    if (c.expectTimeout) return fail(result, `expected to hang until the timeout, but threw ${error}`);
    if (c.expectError === undefined) return fail(result, `threw ${error}`);
    if (!errorMatches(first.error, c.expectError)) {
      return fail(result, `threw ${error}, which does not match ${describeExpectation(c.expectError)}`);
    }
    return result;
  }
  const result: ToolCaseResult = { ...base, pass: true, outcome: 'returned', value: first.value };
  if (c.expectTimeout)
    return fail(result, `expected to hang until the timeout, but returned ${preview(first.value)}`);
  if (c.expectError !== undefined) {
    return fail(
      result,
      `expected an error (${describeExpectation(c.expectError)}), but returned ${preview(first.value)}`,
    );
  }
  if ('expected' in c && !isDeepStrictEqual(first.value, c.expected)) {
    return fail(result, `returned ${preview(first.value)}, expected ${preview(c.expected)}`);
  }
  return result;
}

function fail(result: ToolCaseResult, problem: string): ToolCaseResult {
  return { ...result, pass: false, problem };
}

function errorMatches(error: unknown, expect: NonNullable<ToolCase['expectError']>): boolean {
  if (expect === true) return true;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof expect === 'string') return message.includes(expect);
  if (expect instanceof RegExp) return expect.test(message);
  return expect(error);
}

function describeExpectation(expect: NonNullable<ToolCase['expectError']>): string {
  if (expect === true) return 'any error';
  if (typeof expect === 'string') return `an error containing ${JSON.stringify(expect)}`;
  if (expect instanceof RegExp) return `an error matching ${expect}`;
  return 'the error test';
}
