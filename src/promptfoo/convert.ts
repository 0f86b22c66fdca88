import { basename, dirname } from 'node:path';
import { RESERVED_CASE_KEYS } from '../core/case.js';
import { type MappedAssertion, mapAssertion, weightedChild } from './assertions.js';
import type { RawTest } from './csv-tests.js';
import { judgeOf } from './graded.js';
import { isObject, type Place, Problems, placeText } from './problems.js';
import { embedderOf, type SuiteFacts, toolsOf } from './suite-facts.js';
import { readPrompts, readProviders } from './targets.js';
import { fieldOf, type LineOf, readAllTests } from './tests.js';

/** A promptfoo suite as an Assay config (plain data, as if read from assay.yaml), with notes for comments. */
export interface ConvertedSuite {
  config: Record<string, unknown>;
  /** Why each part looks as it does, for `assay import promptfoo` to write as comments. */
  notes: { path: (string | number)[]; text: string }[];
}

const TOP_KEYS = [
  'description',
  'prompts',
  'providers',
  'tests',
  'defaultTest',
  'scenarios',
  'evaluateOptions',
];
const TEST_KEYS = ['description', 'vars', 'assert', 'threshold', 'metadata', 'options'];
const RESERVED = new Set<string>(RESERVED_CASE_KEYS.filter((k) => k !== 'expected'));

/** A promptfoo config: its usual file name, or its keys (prompts and providers, no Assay targets). */
export function isPromptfooConfig(raw: unknown, file: string): boolean {
  if (/^promptfooconfig\.(ya?ml|json)$/i.test(basename(file))) return true;
  return isObject(raw) && 'prompts' in raw && 'providers' in raw && !('targets' in raw);
}

/**
 * Converts a promptfoo suite into an Assay config: prompts × providers become targets, every test a
 * case of an inline dataset with its assertions as the case's own evaluators. A test passes when all
 * its assertions pass or, with a `threshold`, when their weighted score reaches it — as in promptfoo.
 * Everything that cannot be carried over is listed in one error (exit 2); nothing is left out silently.
 */
export async function convertPromptfoo(
  raw: Record<string, unknown>,
  file: string,
  lineOf: LineOf,
  env: Record<string, string | undefined> = {},
): Promise<ConvertedSuite> {
  const problems = new Problems();
  const notes: ConvertedSuite['notes'] = [];
  const name = basename(file);
  const place = (path: (string | number)[]): Place => {
    const line = lineOf(path);
    return { file: name, ...(line ? { line } : {}), field: fieldOf(path) };
  };
  for (const key of Object.keys(raw)) {
    if (!TOP_KEYS.includes(key) && key !== '$schema') problems.add(place([key]), `key "${key}"`);
  }
  const baseDir = dirname(file);
  const prompts = await readPrompts(raw.prompts, baseDir, place(['prompts']), problems, lineOf);
  const providers = readProviders(raw.providers, place(['providers']), problems, env, lineOf, baseDir);
  const facts = { ...toolsOf(providers.map((p) => p.tools)), env };
  const targets = providers.flatMap((p) =>
    prompts.map((pr, i) => {
      const id = prompts.length > 1 ? `${p.label} · ${pr.label || `prompt ${i + 1}`}` : p.label;
      if (!p.http) return { id, ...p.target, prompt: pr.prompt };
      if (typeof pr.prompt !== 'string') {
        problems.add(place(['prompts', i]), 'a chat prompt sent to an http provider');
        return { id, ...p.target };
      }
      return {
        id,
        ...p.target,
        ...(p.target.body === undefined ? {} : { body: withPrompt(p.target.body, pr.prompt) }),
      };
    }),
  );

  const defaults = isObject(raw.defaultTest) ? raw.defaultTest : {};
  if (raw.defaultTest !== undefined && !isObject(raw.defaultTest))
    problems.add(place(['defaultTest']), 'defaultTest other than a mapping (a file:// defaultTest)');
  checkTest(defaults, place(['defaultTest']), problems, true);
  const graders = judgeOf(isObject(defaults.options) ? defaults.options.provider : undefined, env);
  const tests = await readAllTests(raw, { file: name, baseDir, lineOf, problems });
  const anyThreshold =
    typeof defaults.threshold === 'number' || tests.some((t) => typeof t.test.threshold === 'number');
  const defaultAsserts = mapAll(
    defaults.assert,
    place(['defaultTest', 'assert']),
    problems,
    (j) => lineOf(['defaultTest', 'assert', j]),
    facts,
  );
  // Without thresholds, defaultTest's assertions are the suite's evaluators, written once; with one,
  // each test's weighted score needs them beside its own.
  const suiteEvaluators = anyThreshold
    ? []
    : uniqueNames(
        defaultAsserts.map((a) => a.config),
        new Set(),
      );
  const taken = new Set(suiteEvaluators.map((e) => String(e.name)));
  const ids = new Set<string>();
  const cases = tests.map((t, i) => {
    checkTest(t.test, t.at, problems, false);
    notes.push({ path: ['dataset', 'cases', i], text: `${placeText(t.at)}${assertionSummary(t.test)}` });
    const own = mapAll(
      t.test.assert,
      { ...t.at, field: `${t.at.field}.assert` },
      problems,
      (j) => (t.path ? lineOf([...t.path, 'assert', j]) : undefined),
      facts,
    );
    const all = anyThreshold ? [...defaultAsserts, ...own] : own;
    const threshold = typeof t.test.threshold === 'number' ? t.test.threshold : defaults.threshold;
    return caseOf(t, i + 1, { defaults, all, threshold, taken, ids, problems });
  });
  problems.throwIfAny(file);

  notes.push({ path: ['targets'], text: 'promptfoo prompts × providers: one target each' });
  notes.push({
    path: ['dataset'],
    text: [
      "promptfoo tests (then scenarios) in order, as cases: vars are variables, metadata tags, assertions the case's own evaluators.",
      'A case is named by metadata.id, else its description, else its position; it passes when every evaluator passes,',
      'or, with a threshold, when the weighted score of its assertions ("promptfoo score") reaches it.',
    ].join('\n'),
  });
  if (suiteEvaluators.length)
    notes.push({ path: ['evaluators'], text: "promptfoo defaultTest's assertions, applied to every case" });
  notes.push({
    path: ['gates'],
    text: 'promptfoo exits non-zero when any test fails or errors: every case must pass, none may error (exit 1 otherwise)',
  });
  const maxConcurrency = isObject(raw.evaluateOptions) ? raw.evaluateOptions.maxConcurrency : undefined;
  const config: Record<string, unknown> = {
    description: typeof raw.description === 'string' ? raw.description : `imported from ${name}`,
    dataset: { name: basename(file).replace(/\.[^.]+$/, ''), cases },
    targets,
    evaluators: suiteEvaluators,
    ...(typeof maxConcurrency === 'number' ? { concurrency: maxConcurrency } : {}),
    ...(graders.judge ? { judge: graders.judge } : {}),
    ...embedderOf(graders.embedder, [suiteEvaluators, cases], env),
    gates: { passRate: 1, maxErrors: 0 },
  };
  if (isObject(raw.evaluateOptions)) {
    for (const key of Object.keys(raw.evaluateOptions))
      if (key !== 'maxConcurrency')
        problems.add(place(['evaluateOptions', key]), `evaluateOptions key "${key}"`);
    problems.throwIfAny(file);
  }
  return { config, notes };
}

/** `; promptfoo assertions: contains, not-regex` for a case's comment. */
function assertionSummary(test: Record<string, unknown>): string {
  const types = (Array.isArray(test.assert) ? test.assert : []).map((a) =>
    isObject(a) ? String(a.type) : '?',
  );
  return types.length ? `; promptfoo assertions: ${types.join(', ')}` : '';
}

function checkTest(test: Record<string, unknown>, at: Place, problems: Problems, isDefault: boolean): void {
  for (const key of Object.keys(test)) if (!TEST_KEYS.includes(key)) problems.add(at, `test key "${key}"`);
  const options = test.options;
  if (isObject(options)) {
    for (const key of Object.keys(options))
      if (!(isDefault && key === 'provider'))
        problems.add({ ...at, field: `${at.field}.options` }, `test option "${key}"`);
  }
  if (isObject(test.vars)) {
    for (const [key, value] of Object.entries(test.vars)) {
      const field = { ...at, field: `${at.field}.vars.${key}` };
      if (Array.isArray(value)) problems.add(field, 'a list of values (promptfoo runs one test per value)');
      else if (typeof value === 'string' && value.startsWith('file://'))
        problems.add(field, 'a file:// variable');
      else if (RESERVED.has(key)) problems.add(field, `a variable named "${key}", which Assay reserves`);
    }
  } else if (test.vars !== undefined) problems.add(at, '"vars" must be a mapping');
}

function mapAll(
  list: unknown,
  at: Place,
  problems: Problems,
  lineOf: (i: number) => number | undefined,
  facts: SuiteFacts,
): MappedAssertion[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) {
    problems.add(at, '"assert" must be a list');
    return [];
  }
  return list.flatMap((a, i) => {
    const line = lineOf(i) ?? at.line;
    return (
      mapAssertion(a, { ...at, ...(line ? { line } : {}), field: `${at.field}[${i}]` }, problems, facts) ?? []
    );
  });
}

/** Evaluator names unique within a case (and apart from the suite's): `contains`, `contains #2`, … */
function uniqueNames(configs: Record<string, unknown>[], taken: Set<string>): Record<string, unknown>[] {
  const seen = new Set(taken);
  return configs.map((c) => {
    const base = String(c.name);
    let name = base;
    for (let n = 2; seen.has(name); n++) name = `${base} #${n}`;
    seen.add(name);
    return { ...c, name };
  });
}

function caseOf(
  t: RawTest,
  position: number,
  o: {
    defaults: Record<string, unknown>;
    all: MappedAssertion[];
    threshold: unknown;
    taken: Set<string>;
    ids: Set<string>;
    problems: Problems;
  },
): Record<string, unknown> {
  const vars = {
    ...(isObject(o.defaults.vars) ? o.defaults.vars : {}),
    ...(isObject(t.test.vars) ? t.test.vars : {}),
  };
  const metadata = {
    ...(isObject(o.defaults.metadata) ? o.defaults.metadata : {}),
    ...(isObject(t.test.metadata) ? t.test.metadata : {}),
  };
  // promptfoo's ways to name a test, in order; a repeated description gets its position.
  let id =
    metadata.id !== undefined
      ? String(metadata.id)
      : typeof t.test.description === 'string' && t.test.description !== ''
        ? t.test.description
        : String(position);
  if (o.ids.has(id)) {
    if (metadata.id !== undefined) o.problems.add(t.at, `metadata.id "${id}" is used by another test`);
    id = `${id} (${position})`;
  }
  o.ids.add(id);
  const tags = Object.fromEntries(
    Object.entries(metadata)
      .filter(([k, v]) => k !== 'id' && ['string', 'number', 'boolean'].includes(typeof v))
      .map(([k, v]) => [k, String(v)]),
  );
  const evaluators =
    typeof o.threshold === 'number' && o.all.length
      ? [
          {
            type: 'weighted',
            name: 'promptfoo score',
            threshold: o.threshold,
            evaluators: o.all.map(weightedChild),
          },
        ]
      : uniqueNames(
          o.all.map((a) => a.config),
          o.taken,
        );
  const row: Record<string, unknown> = { id, ...vars };
  const reference = o.all.find((a) => a.expected !== undefined)?.expected;
  if (reference !== undefined) {
    if (vars.expected !== undefined && vars.expected !== reference)
      o.problems.add(t.at, 'a factuality reference and an "expected" variable that differ');
    row.expected = reference;
  }
  if (Object.keys(tags).length) row.tags = tags;
  if (evaluators.length) row.evaluators = evaluators;
  return row;
}

/** An http provider's body with `{{prompt}}` replaced by the prompt's own template. */
function withPrompt(body: unknown, prompt: string): unknown {
  if (typeof body === 'string') return body.replace(/\{\{\s*prompt\s*\}\}/g, prompt);
  if (Array.isArray(body)) return body.map((b) => withPrompt(b, prompt));
  if (isObject(body))
    return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, withPrompt(v, prompt)]));
  return body;
}
