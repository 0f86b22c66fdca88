import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { AssayError } from '../core/errors.js';
import { type RawTest, readCsvTests } from './csv-tests.js';
import { isObject, type Place, type Problems } from './problems.js';

export type LineOf = (path: (string | number)[]) => number | undefined;

/**
 * Every test of the suite in promptfoo's order: `tests` (inline, `file://` CSV, JSONL, YAML or JSON,
 * or a list mixing them), then each scenario's configs × tests. Each keeps where it was written.
 */
export async function readAllTests(
  raw: Record<string, unknown>,
  ctx: { file: string; baseDir: string; lineOf: LineOf; problems: Problems },
): Promise<RawTest[]> {
  const out: RawTest[] = [];
  const place = (path: (string | number)[]): Place => {
    const line = ctx.lineOf(path);
    return { file: ctx.file, ...(line ? { line } : {}), field: fieldOf(path) };
  };
  const tests = raw.tests;
  const items = tests === undefined ? [] : Array.isArray(tests) ? tests : [tests];
  for (const [i, item] of items.entries()) {
    const path = Array.isArray(tests) ? ['tests', i] : ['tests'];
    if (typeof item === 'string')
      out.push(...(await readTestFile(item, ctx.baseDir, place(path), ctx.problems)));
    else if (isObject(item)) out.push({ test: item, at: place(path), path });
    else ctx.problems.add(place(path), 'a test must be a mapping or a file:// path');
  }
  const scenarios = raw.scenarios;
  if (scenarios !== undefined && !Array.isArray(scenarios))
    ctx.problems.add(place(['scenarios']), '"scenarios" must be a list');
  for (const [s, scenario] of (Array.isArray(scenarios) ? scenarios : []).entries()) {
    if (!isObject(scenario) || !Array.isArray(scenario.config) || !Array.isArray(scenario.tests)) {
      ctx.problems.add(place(['scenarios', s]), 'a scenario needs a "config" list and a "tests" list');
      continue;
    }
    for (const key of Object.keys(scenario))
      if (!['description', 'config', 'tests'].includes(key))
        ctx.problems.add(place(['scenarios', s, key]), `scenario key "${key}"`);
    for (const config of scenario.config) {
      for (const [t, test] of scenario.tests.entries()) {
        if (!isObject(config) || !isObject(test)) {
          ctx.problems.add(place(['scenarios', s]), 'scenario configs and tests must be mappings');
          continue;
        }
        const vars = {
          ...(isObject(config.vars) ? config.vars : {}),
          ...(isObject(test.vars) ? test.vars : {}),
        };
        const assert = [
          ...(Array.isArray(config.assert) ? config.assert : []),
          ...(Array.isArray(test.assert) ? test.assert : []),
        ];
        const description = [scenario.description, test.description ?? config.description]
          .filter((d) => typeof d === 'string')
          .join(' · ');
        out.push({
          test: {
            ...config,
            ...test,
            vars,
            ...(assert.length ? { assert } : {}),
            ...(description ? { description } : {}),
          },
          at: place(['scenarios', s, 'tests', t]),
        });
      }
    }
  }
  return out;
}

/** `file://tests.csv` (or a path without the prefix): CSV, JSONL, YAML or JSON tests. */
async function readTestFile(ref: string, baseDir: string, at: Place, problems: Problems): Promise<RawTest[]> {
  const path = ref.startsWith('file://') ? ref.slice(7) : ref;
  const file = resolve(baseDir, path);
  const ext = extname(path).toLowerCase();
  if (!['.csv', '.jsonl', '.yaml', '.yml', '.json'].includes(ext) || /[*?[]/.test(path)) {
    problems.add(at, `tests from "${ref}" (Assay reads one .csv, .jsonl, .yaml or .json file per entry)`);
    return [];
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    problems.add(at, `tests file not found: ${path}`);
    return [];
  }
  if (ext === '.csv') return readCsvTests(text, path, problems);
  if (ext === '.jsonl') {
    return text.split('\n').flatMap((line, i) => {
      if (line.trim() === '') return [];
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        throw new AssayError('dataset.parse', (error as Error).message, { file: path, line: i + 1 });
      }
      return [located(value, { file: path, line: i + 1, field: 'test' }, problems)];
    });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors[0])
    throw new AssayError('dataset.parse', doc.errors[0].message.split('\n')[0]!, { file: path });
  const values = doc.toJS() as unknown;
  const list = Array.isArray(values) ? values : [values];
  const seq = doc.contents as { items?: { range?: [number, number, number] }[] } | null;
  return list.map((value, i) => {
    const offset = Array.isArray(values) ? seq?.items?.[i]?.range?.[0] : 0;
    const line = offset === undefined ? undefined : lineCounter.linePos(offset).line;
    return located(value, { file: path, ...(line ? { line } : {}), field: `[${i}]` }, problems);
  });
}

function located(value: unknown, at: Place, problems: Problems): RawTest {
  if (!isObject(value)) {
    problems.add(at, 'a test must be a mapping');
    return { test: {}, at };
  }
  return { test: value, at };
}

export function fieldOf(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
