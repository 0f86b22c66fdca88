import { isDeepStrictEqual } from 'node:util';
import { failure } from './failure.js';
import { errorText, preview } from './preview.js';

/** A sample the parser must accept; with `expected`, its result must deep-equal it. */
export interface ValidSample {
  input: string;
  expected?: unknown;
  name?: string;
}

export interface MalformedSample {
  input: string;
  name?: string;
}

export interface ParserCheckOptions {
  valid?: (string | ValidSample)[];
  malformed?: (string | MalformedSample)[];
  /** Whether a returned value means "could not parse"; the default is `isParseFailure`. */
  isFailure?: (result: unknown) => boolean;
}

export interface ParserProblem {
  sample: string;
  input: string;
  message: string;
}

export interface ParserReport {
  ok: boolean;
  valid: { total: number; failed: ParserProblem[] };
  malformed: { total: number; missed: ParserProblem[] };
}

/**
 * The contract: a parser reports input it cannot parse by throwing (or rejecting), or by returning
 * a failure value: `null`, `undefined`, an `Error`, `{ ok: false }`, or `{ success: false }` (zod's
 * `safeParse`). Anything else is a parse. Pass `isFailure` for another convention.
 */
export function isParseFailure(result: unknown): boolean {
  if (result === null || result === undefined || result instanceof Error) return true;
  if (typeof result !== 'object') return false;
  const r = result as { ok?: unknown; success?: unknown };
  return r.ok === false || r.success === false;
}

type Outcome = { threw: true; error: unknown } | { threw: false; value: unknown };

async function run(parse: (text: string) => unknown, input: string): Promise<Outcome> {
  try {
    return { threw: false, value: await parse(input) };
  } catch (error) {
    return { threw: true, error };
  }
}

/**
 * Runs an output parser over valid and malformed samples: which valid ones it failed (or parsed
 * to something other than `expected`), and which malformed ones it did not detect.
 *
 * @example
 * const report = await checkParser(parseVerdict, { valid: ['{"score": 3}'], malformed: ['{"score": }', 'three'] });
 */
export async function checkParser(
  parse: (text: string) => unknown,
  options: ParserCheckOptions,
): Promise<ParserReport> {
  const isFailure = options.isFailure ?? isParseFailure;
  const valid = (options.valid ?? []).map((s) => (typeof s === 'string' ? { input: s } : s));
  const malformed = (options.malformed ?? []).map((s) => (typeof s === 'string' ? { input: s } : s));
  const report: ParserReport = {
    ok: true,
    valid: { total: valid.length, failed: [] },
    malformed: { total: malformed.length, missed: [] },
  };
  for (const [i, s] of valid.entries()) {
    const o = await run(parse, s.input);
    const problem = (message: string) =>
      report.valid.failed.push({ sample: s.name ?? `valid #${i + 1}`, input: s.input, message });
    if (o.threw) problem(`threw ${errorText(o.error)}`);
    else if (isFailure(o.value)) problem(`returned the failure value ${preview(o.value)}`);
    else if ('expected' in s && !isDeepStrictEqual(o.value, s.expected)) {
      problem(`parsed to ${preview(o.value)}, expected ${preview(s.expected)}`);
    }
  }
  for (const [i, s] of malformed.entries()) {
    const o = await run(parse, s.input);
    if (!o.threw && !isFailure(o.value)) {
      report.malformed.missed.push({
        sample: s.name ?? `malformed #${i + 1}`,
        input: s.input,
        message: `not detected: returned ${preview(o.value)} instead of throwing or a failure value`,
      });
    }
  }
  report.ok = report.valid.failed.length === 0 && report.malformed.missed.length === 0;
  return report;
}

/** `checkParser`, throwing an assertion error that lists what went wrong. */
export async function assertParser(
  parse: (text: string) => unknown,
  options: ParserCheckOptions,
): Promise<ParserReport> {
  const report = await checkParser(parse, options);
  if (!report.ok) throw failure(formatParserReport(report));
  return report;
}

export function formatParserReport(report: ParserReport): string {
  const { valid, malformed } = report;
  if (report.ok) return `parser OK: ${valid.total} valid parsed, ${malformed.total} malformed detected`;
  const lines = ['parser check failed:'];
  const list = (problems: ParserProblem[]) =>
    problems.map((p) => `    ✘ ${p.sample} ${preview(p.input, 60)}: ${p.message}`);
  if (valid.failed.length) {
    lines.push(
      `  valid samples that failed (${valid.failed.length} of ${valid.total}):`,
      ...list(valid.failed),
    );
  }
  if (malformed.missed.length) {
    lines.push(
      `  malformed samples not detected (${malformed.missed.length} of ${malformed.total}):`,
      ...list(malformed.missed),
    );
  }
  return lines.join('\n');
}
