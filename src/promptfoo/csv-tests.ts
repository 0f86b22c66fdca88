import { parse } from 'csv-parse/sync';
import { AssayError } from '../core/errors.js';
import { type PromptfooAssertion, SUPPORTED } from './assertions.js';
import type { Place, Problems } from './problems.js';

/** A promptfoo test as read from a file, with where it was written. */
export interface RawTest {
  test: Record<string, unknown>;
  at: Place;
  /** Its path in the promptfoo config, when it is written there (for the lines of its parts). */
  path?: (string | number)[];
}

// Types a CSV cell may name as `type:value` or `not-type:value`, as promptfoo reads them.
const CELL_TYPES = [
  ...SUPPORTED,
  'context-recall',
  'context-relevance',
  'classifier',
  'perplexity',
  'perplexity-score',
  'is-valid-openai-tools-call',
  'python',
  'moderation',
  'webhook',
];
const CELL = new RegExp(`^(not-)?(${CELL_TYPES.join('|')})(?:\\((\\d+(?:\\.\\d+)?)\\))?(?::([\\s\\S]*))?$`);
// Graded types whose CSV form carries a default threshold (promptfoo's: 0.8 for similar, else 0.75).
const THRESHOLDED = new Set(['similar', 'levenshtein', 'rouge-n', 'starts-with', 'cost', 'latency']);

/**
 * A `__expected` cell as promptfoo reads it: `javascript:`/`fn:`/`eval:` code, `grade:` or
 * `llm-rubric:` rubrics, `python:`, `type(threshold):value` with an optional `not-`, and anything
 * else an exact `equals`.
 */
export function assertionFromCell(cell: string): PromptfooAssertion {
  for (const prefix of ['javascript:', 'fn:', 'eval:']) {
    if (cell.startsWith(prefix)) return { type: 'javascript', value: cell.slice(prefix.length).trim() };
  }
  if (cell.startsWith('file://') && /\.(c|m)?js(:[\w$]+)?$/.test(cell))
    return { type: 'javascript', value: cell };
  if (cell.startsWith('grade:')) return { type: 'llm-rubric', value: cell.slice(6) };
  if (cell.startsWith('llm-rubric:')) return { type: 'llm-rubric', value: cell.slice(11) };
  if (cell.startsWith('python:')) return { type: 'python', value: cell.slice(7).trim() };
  const m = CELL.exec(cell);
  if (!m) return { type: 'equals', value: cell };
  const [, not, type = '', thresholdText, value] = m as unknown as (string | undefined)[];
  const full = `${not ?? ''}${type}`;
  if (type.endsWith('-any') || type.endsWith('-all')) return { type: full, ...(value ? { value } : {}) };
  if (type === 'is-json' || type === 'contains-json') return { type: full, ...(value ? { value } : {}) };
  const threshold = thresholdText === undefined ? undefined : Number(thresholdText);
  const out: PromptfooAssertion = { type: full, ...(value === undefined ? {} : { value: value.trim() }) };
  if (THRESHOLDED.has(type)) out.threshold = threshold ?? (type === 'similar' ? 0.8 : 0.75);
  return out;
}

/** Reads a promptfoo tests CSV: vars in plain columns, `__expected…`, `__description`, … in the others. */
export function readCsvTests(text: string, file: string, problems: Problems): RawTest[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, info: true, bom: true });
  } catch (error) {
    const e = error as { message?: string; lines?: number };
    throw new AssayError('dataset.parse', (e.message ?? String(error)).replace(/^Invalid [^:]*: /, ''), {
      file,
      ...(e.lines ? { line: e.lines } : {}),
    });
  }
  return records.map(({ record, info }, index) => {
    const at: Place = { file, line: info.lines, field: `row ${index + 1}` };
    const vars: Record<string, string> = {};
    const assert: PromptfooAssertion[] = [];
    const test: Record<string, unknown> = {};
    const metadata: Record<string, string> = {};
    let metric: string | undefined;
    for (const [rawKey, value] of Object.entries(record)) {
      const key = rawKey.trim();
      if (key.startsWith('__expected')) {
        if (value.trim() !== '') assert.push(assertionFromCell(value.trim()));
      } else if (key === '__description') {
        if (value !== '') test.description = value;
      } else if (key === '__metric') metric = value;
      else if (key === '__threshold') {
        if (value.trim() !== '' && Number.isFinite(Number(value))) test.threshold = Number(value);
      } else if (key.startsWith('__metadata:')) {
        if (value.trim() !== '') metadata[key.slice(11)] = value;
      } else if (key.startsWith('__')) {
        if (value.trim() !== '') problems.add({ ...at, field: key }, `CSV column "${key}"`);
      } else vars[key] = value;
    }
    if (metric) for (const a of assert) a.metric = metric;
    test.vars = vars;
    if (assert.length) test.assert = assert;
    if (Object.keys(metadata).length) test.metadata = metadata;
    return { test, at };
  });
}
