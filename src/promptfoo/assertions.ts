import { parse as parseYaml } from 'yaml';
import { gradedConfig } from './graded.js';
import { isObject, type Place, type Problems, unknownKeys } from './problems.js';
import type { SuiteFacts } from './suite-facts.js';

/** A promptfoo assertion as written in a config or made from a CSV cell. */
export interface PromptfooAssertion {
  type: string;
  value?: unknown;
  threshold?: number;
  weight?: number;
  metric?: string;
  provider?: unknown;
  assert?: unknown[];
  [key: string]: unknown;
}

/** One assertion as an Assay evaluator config, with what a weighted score needs to know of it. */
export interface MappedAssertion {
  config: Record<string, unknown>;
  weight: number;
  /** promptfoo scores this assertion 1 or 0 by its verdict; Assay's value for it is graded. */
  byPass: boolean;
  /** `factuality` checks against this reference: it becomes the case's `expected`. */
  expected?: unknown;
}

const KEYS = ['type', 'value', 'threshold', 'weight', 'metric', 'provider', 'assert'];

/** Types the import carries over; each has a `not-` form unless it is `assert-set`. */
export const SUPPORTED = [
  'equals',
  'contains',
  'icontains',
  'contains-any',
  'contains-all',
  'icontains-any',
  'icontains-all',
  'starts-with',
  'regex',
  'is-json',
  'contains-json',
  'javascript',
  'similar',
  'levenshtein',
  'rouge-n',
  'bleu',
  'latency',
  'cost',
  'llm-rubric',
  'model-graded-closedqa',
  'factuality',
  'answer-relevance',
  'context-faithfulness',
  'context-recall',
  'is-valid-openai-tools-call',
] as const;

const IGNORED_NOT = ['not-is-valid-openai-tools-call', 'not-factuality', 'not-model-graded-closedqa'];

/** Why the rest are refused, where there is more to say than "not supported". */
const REFUSED: Record<string, string> = {
  python: 'Assay runs no Python: rewrite it as a javascript assertion or a function evaluator',
};

/**
 * Maps one promptfoo assertion to an Assay evaluator. What cannot be mapped is added to `problems`
 * (with its place) and gives undefined; the caller goes on, so that every problem is listed.
 */
export function mapAssertion(
  raw: unknown,
  at: Place,
  problems: Problems,
  facts: SuiteFacts = {},
): MappedAssertion | undefined {
  if (!isObject(raw) || typeof raw.type !== 'string') {
    problems.add(at, 'an assertion must be a mapping with a "type"');
    return undefined;
  }
  const a = raw as PromptfooAssertion;
  unknownKeys(a, KEYS, at, problems, 'assertion');
  const inverse = a.type.startsWith('not-');
  const base = inverse ? a.type.slice(4) : a.type;
  const weight = typeof a.weight === 'number' ? a.weight : 1;
  if (a.weight !== undefined && (typeof a.weight !== 'number' || a.weight < 0))
    problems.add({ ...at, field: `${at.field}.weight` }, 'weight must be a number ≥ 0');
  if (base === 'assert-set')
    return inverse ? refuse(at, problems, a.type) : assertSet(a, at, problems, weight, facts);
  // promptfoo ignores the not- of these: their not- form passes and fails as the plain one.
  if (IGNORED_NOT.includes(a.type))
    return refuse(at, problems, a.type, `promptfoo does not negate it; use ${base}`);
  if (!(SUPPORTED as readonly string[]).includes(base)) return refuse(at, problems, a.type, REFUSED[base]);
  const mapped = baseConfig(base, a, at, problems, facts);
  if (!mapped) return undefined;
  let config = mapped.config;
  if (inverse) config = invert(base, config);
  const name = a.metric ?? a.type;
  return {
    config: { ...config, name },
    weight,
    byPass: mapped.byPass,
    ...(mapped.expected === undefined ? {} : { expected: mapped.expected }),
  };
}

function refuse(at: Place, problems: Problems, type: string, why?: string): undefined {
  problems.add(at, `assertion type "${type}"${why ? ` (${why})` : ''}`);
  return undefined;
}

type Base = { config: Record<string, unknown>; byPass: boolean; expected?: unknown };

function baseConfig(
  type: string,
  a: PromptfooAssertion,
  at: Place,
  problems: Problems,
  facts: SuiteFacts,
): Base | undefined {
  const v = a.value;
  const t = a.threshold;
  const need = (ok: boolean, what: string): boolean => {
    if (!ok) problems.add({ ...at, field: `${at.field}.value` }, `"${a.type}" needs ${what}`);
    return ok;
  };
  const text = typeof v === 'string' || typeof v === 'number';
  switch (type) {
    case 'equals':
      if (isObject(v) || Array.isArray(v)) {
        problems.add(at, '"equals" with a JSON value (deep equality) is not supported yet; compare a string');
        return undefined;
      }
      if (!need(text, 'a string value')) return undefined;
      return { config: { type: 'equals', value: String(v), trim: false }, byPass: false };
    case 'contains':
    case 'icontains':
      if (!need(text, 'a string value')) return undefined;
      return { config: { type, value: String(v) }, byPass: false };
    case 'contains-any':
    case 'contains-all':
    case 'icontains-any':
    case 'icontains-all': {
      const list = typeof v === 'string' ? splitCommas(v) : Array.isArray(v) ? v.map(String) : undefined;
      if (!need(list !== undefined && list.length > 0, 'a list (or comma-separated values)'))
        return undefined;
      const [kind, mode] = type.split('-') as [string, string];
      return { config: { type: kind, value: list, mode }, byPass: false };
    }
    case 'starts-with':
      if (!need(text, 'a string value')) return undefined;
      return { config: { type: 'starts-with', value: String(v), trim: false }, byPass: false };
    case 'regex':
      if (!need(typeof v === 'string' && v !== '', 'a pattern')) return undefined;
      return { config: { type: 'regex', value: v }, byPass: false };
    case 'is-json':
    case 'contains-json': {
      const schema = jsonSchemaOf(v, at, problems);
      if (schema === null) return undefined;
      if (type === 'contains-json')
        return { config: { type, ...(schema === undefined ? {} : { schema }) }, byPass: false };
      return {
        config: schema === undefined ? { type, strict: true } : { type: 'json-schema', schema, strict: true },
        byPass: false,
      };
    }
    case 'javascript': {
      if (!need(typeof v === 'string' && v.trim() !== '', 'code or a file:// path')) return undefined;
      const code = v as string;
      const threshold = t === undefined ? {} : { threshold: t };
      if (code.startsWith('file://')) {
        const [file, fn] = splitFunction(code.slice(7));
        return { config: { type, file: fn ? `${file}#${fn}` : file, ...threshold }, byPass: false };
      }
      return { config: { type, value: code, ...threshold }, byPass: false };
    }
    case 'similar':
      if (!need(typeof v === 'string' || Array.isArray(v), 'a reference text')) return undefined;
      return { config: { type, value: v, threshold: t ?? 0.75 }, byPass: false };
    case 'levenshtein':
      if (!need(text, 'a reference text')) return undefined;
      // promptfoo passes at distance ≤ threshold (default 5) and scores the verdict, not a similarity.
      return {
        config: { type, value: String(v), maxDistance: Math.floor(t ?? 5), threshold: 0, trim: false },
        byPass: true,
      };
    case 'rouge-n':
      if (!need(typeof v === 'string', 'a reference text')) return undefined;
      return { config: { type, value: v, threshold: t ?? 0.75 }, byPass: false };
    case 'bleu':
      if (!need(typeof v === 'string' || Array.isArray(v), 'a reference text')) return undefined;
      return { config: { type, value: v, threshold: t ?? 0.5 }, byPass: false };
    case 'latency':
    case 'cost':
      if (typeof t !== 'number') {
        problems.add({ ...at, field: `${at.field}.threshold` }, `"${a.type}" needs a threshold`);
        return undefined;
      }
      return { config: { type, max: t }, byPass: true };
    case 'llm-rubric':
    case 'model-graded-closedqa':
    case 'factuality':
    case 'answer-relevance':
    case 'context-faithfulness':
    case 'context-recall':
      return gradedConfig(type, a, at, problems, facts.env);
    case 'is-valid-openai-tools-call':
      if (!facts.tools) {
        problems.add(
          at,
          `"${a.type}" needs the provider's config.tools (${facts.toolsProblem ?? 'no provider has any'})`,
        );
        return undefined;
      }
      return { config: { type: 'valid-tool-calls', tools: facts.tools }, byPass: false };
  }
  return undefined;
}

function invert(base: string, config: Record<string, unknown>): Record<string, unknown> {
  // "Contains none of these" is Assay's not-contains; the rest are negated as promptfoo negates them.
  if (base === 'contains' || base === 'icontains' || base === 'contains-any' || base === 'icontains-any') {
    const { mode: _, ...rest } = config;
    return { ...rest, type: 'not-contains', ignoreCase: base.startsWith('i') };
  }
  return { type: 'not', evaluator: config };
}

function assertSet(a: PromptfooAssertion, at: Place, problems: Problems, weight: number, facts: SuiteFacts) {
  if (!Array.isArray(a.assert) || a.assert.length === 0) {
    problems.add({ ...at, field: `${at.field}.assert` }, '"assert-set" needs a list of assertions');
    return undefined;
  }
  const kids = a.assert.map((k, i) =>
    mapAssertion(k, { ...at, field: `${at.field}.assert[${i}]` }, problems, facts),
  );
  if (kids.some((k) => k === undefined)) return undefined;
  const mapped = kids as MappedAssertion[];
  const expected = mapped.find((k) => k.expected !== undefined)?.expected;
  const config =
    a.threshold === undefined
      ? { type: 'all', evaluators: mapped.map((k) => k.config) }
      : { type: 'weighted', threshold: a.threshold, evaluators: mapped.map(weightedChild) };
  return {
    config: { ...config, name: a.metric ?? 'assert-set' },
    weight,
    byPass: a.threshold === undefined,
    ...(expected === undefined ? {} : { expected }),
  };
}

/** A child of a `weighted` evaluator, carrying promptfoo's weight and way of scoring. */
export function weightedChild(k: MappedAssertion): Record<string, unknown> {
  return { ...k.config, weight: k.weight, ...(k.byPass ? { scoreAs: 'pass' } : {}) };
}

/** An is-json / contains-json value: a schema object, YAML or JSON text, or `file://schema.json`. */
function jsonSchemaOf(v: unknown, at: Place, problems: Problems): unknown {
  if (v === undefined || v === null || v === '') return undefined;
  if (isObject(v)) return v;
  if (typeof v === 'string') {
    if (v.startsWith('file://')) return v.slice(7);
    try {
      const parsed: unknown = parseYaml(v);
      if (isObject(parsed)) return parsed;
    } catch {
      // Reported below.
    }
  }
  problems.add(
    { ...at, field: `${at.field}.value` },
    'expected a JSON Schema (mapping, YAML text or file://)',
  );
  return null;
}

/** `path.js:fn` → [`path.js`, `fn`]; a Windows drive letter is not a function name. */
function splitFunction(path: string): [string, string | undefined] {
  const i = path.lastIndexOf(':');
  return i > 1 ? [path.slice(0, i), path.slice(i + 1)] : [path, undefined];
}

/** promptfoo's comma-separated values: `a, "b, c", d` → [`a`, `b, c`, `d`]. */
export function splitCommas(value: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < value.length) {
    while (i < value.length && (value[i] === ',' || /\s/.test(value[i]!))) i++;
    if (i >= value.length) break;
    if (value[i] === '"') {
      let field = '';
      i++;
      while (i < value.length) {
        if (value[i] === '"' && value[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (value[i] === '"') {
          i++;
          break;
        } else field += value[i++];
      }
      out.push(field);
    } else {
      const start = i;
      while (i < value.length && value[i] !== ',') i++;
      out.push(value.slice(start, i).trim());
    }
  }
  return out;
}
