import { resolve } from 'node:path';
import { type Case, templateScope } from '../core/case.js';
import type { Dataset } from '../core/dataset.js';
import { errorMessage } from '../core/errors.js';
import { loadDataset } from '../datasets/load.js';
import { compileTemplate, type Render } from '../templates/render.js';
import { edgeInputs } from './edge-inputs.js';
import { failure } from './failure.js';
import { type TemplateVariable, templateVariables } from './template-variables.js';

/** A prompt template: text, or chat messages whose `content` is a template. */
export type TemplateSource = string | { role: string; content: string }[];

/** What a template is rendered against: a dataset, its path, its cases, or plain variable objects. */
export type TemplateRows = Dataset | string | Case[] | Record<string, unknown>[];

export interface TemplateCheckOptions {
  rows?: TemplateRows;
  /** Render against generated edge values too (default true); see `edgeInputs`. */
  edgeInputs?: boolean;
  /** Most characters the rendered prompt may have (all messages together). */
  maxChars?: number;
  /** Length of the long edge value (default 10 000). */
  longLength?: number;
  /** Also flag `{name}` and `${name}` placeholders left in the text (default true). */
  singleBraces?: boolean;
}

export type TemplateProblemKind =
  | 'syntax'
  | 'undefined-variable'
  | 'render-error'
  | 'unrendered-tag'
  | 'too-long';

export interface TemplateProblem {
  kind: TemplateProblemKind;
  /** Which input: `row 3 (id refund-window)`, `edge question=long (10000 chars)`. */
  input: string;
  message: string;
}

export interface TemplateReport {
  ok: boolean;
  /** The variables the template reads, as paths (`question`, `user.email`). */
  variables: string[];
  renders: number;
  /** Characters of the longest rendered prompt. */
  longest: number;
  problems: TemplateProblem[];
}

interface Input {
  label: string;
  scope: Record<string, unknown>;
}

/**
 * Renders a prompt template against every row of a dataset and against edge inputs, and reports
 * undefined variables, template syntax left in the output (that did not come from a value), and
 * prompts over `maxChars`.
 *
 * @example
 * const report = await checkTemplate('Answer: {{ question }}', { rows: './golden.jsonl', maxChars: 4000 });
 * expect(report.problems).toEqual([]);
 */
export async function checkTemplate(
  template: TemplateSource,
  options: TemplateCheckOptions = {},
): Promise<TemplateReport> {
  const parts = typeof template === 'string' ? [template] : template.map((m) => m.content);
  const report: TemplateReport = { ok: true, variables: [], renders: 0, longest: 0, problems: [] };
  let renders: Render[];
  let variables: TemplateVariable[];
  try {
    renders = parts.map((p, i) =>
      compileTemplate(p, typeof template === 'string' ? 'template' : `messages[${i}]`),
    );
    variables = dedupe(parts.flatMap(templateVariables));
  } catch (error) {
    report.problems.push({ kind: 'syntax', input: 'the template', message: errorMessage(error) });
    report.ok = false;
    return report;
  }
  report.variables = variables.map((v) => v.path.join('.'));

  const rows = await rowInputs(options.rows);
  // Without rows, one render with sample values still finds syntax left in the text.
  const inputs = rows.length ? [...rows] : [{ label: 'sample values', scope: sampleScope(variables) }];
  if (options.edgeInputs !== false) inputs.push(...edgeCases(variables, rows[0]?.scope, options.longLength));
  // Syntax left by the template itself shows in every render: report each one once.
  const tagsSeen = new Set<string>();
  for (const input of inputs) {
    report.renders++;
    for (const p of checkOne(renders, variables, input, options)) {
      if (p.kind === 'unrendered-tag') {
        const key = p.message.slice(0, p.message.indexOf(':'));
        if (tagsSeen.has(key)) continue;
        tagsSeen.add(key);
      }
      report.problems.push(p);
    }
    const length = renderedLength(renders, input.scope);
    if (length !== undefined) report.longest = Math.max(report.longest, length);
  }
  report.ok = report.problems.length === 0;
  return report;
}

/** `checkTemplate`, throwing an assertion error that lists the problems when there are any. */
export async function assertTemplate(
  template: TemplateSource,
  options: TemplateCheckOptions = {},
): Promise<TemplateReport> {
  const report = await checkTemplate(template, options);
  if (!report.ok) throw failure(formatTemplateReport(report));
  return report;
}

/** The problems as lines a person reads in a test failure. */
export function formatTemplateReport(report: TemplateReport, max = 12): string {
  if (report.ok) return `template OK: ${report.renders} renders, longest ${report.longest} characters`;
  const n = report.problems.length;
  const lines = report.problems.slice(0, max).map((p) => `  ✘ ${p.input}: ${p.message}`);
  if (n > max) lines.push(`  … and ${n - max} more`);
  return `template check failed: ${n} problem${n === 1 ? '' : 's'} in ${report.renders} renders\n${lines.join('\n')}`;
}

function checkOne(
  renders: Render[],
  variables: TemplateVariable[],
  input: Input,
  options: TemplateCheckOptions,
): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  let texts: string[];
  try {
    texts = renders.map((r) => r(input.scope));
  } catch (error) {
    const message = errorMessage(error);
    if (/null or undefined value/.test(message)) {
      const missing = variables
        .filter((v) => v.direct && valueAt(input.scope, v.path) == null)
        .map((v) => v.path.join('.'));
      const where = /\[Line (\d+), Column (\d+)\]/.exec(message);
      const at = where ? ` (line ${where[1]}, column ${where[2]})` : '';
      problems.push({
        kind: 'undefined-variable',
        input: input.label,
        message: missing.length
          ? `undefined variable${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}${at}`
          : `a value printed by the template is undefined${at}`,
      });
    } else problems.push({ kind: 'render-error', input: input.label, message });
    return problems;
  }

  // Render again with every brace and dollar inside the values disguised: whatever template
  // syntax is still in the text then came from the template itself.
  let own: string[] | undefined;
  try {
    own = renders.map((r) => r(disguise(input.scope) as Record<string, unknown>));
  } catch {
    own = undefined;
  }
  const pattern = options.singleBraces === false ? TAGS : TAGS_AND_PLACEHOLDERS;
  for (const [i, text] of (own ?? []).entries()) {
    const where = renders.length > 1 ? ` of message ${i}` : '';
    for (const m of [...text.matchAll(pattern)].slice(0, 5)) {
      problems.push({
        kind: 'unrendered-tag',
        input: input.label,
        message: `unrendered ${JSON.stringify(m[0])} left in the output${where}: ${snippet(texts[i]!, m.index, m[0].length)}`,
      });
    }
  }

  const length = texts.reduce((n, t) => n + t.length, 0);
  if (options.maxChars !== undefined && length > options.maxChars) {
    problems.push({
      kind: 'too-long',
      input: input.label,
      message: `${length} characters, over the limit of ${options.maxChars}`,
    });
  }
  return problems;
}

// Opening tags only: a closing `}}` is ordinary text in a JSON example.
const TAGS = /\{\{|\{%|\{#/g;
// `{question}` (Python's str.format, LangChain) and `${question}` (a JS template literal): the
// placeholder syntax of another tool, in a prompt moved over without being converted.
const TAGS_AND_PLACEHOLDERS = /\{\{|\{%|\{#|\$?\{[A-Za-z_][\w.]*\}/g;

function renderedLength(renders: Render[], scope: Record<string, unknown>): number | undefined {
  try {
    return renders.reduce((n, r) => n + r(scope).length, 0);
  } catch {
    return undefined;
  }
}

async function rowInputs(rows: TemplateRows | undefined): Promise<Input[]> {
  if (rows === undefined) return [];
  const list =
    typeof rows === 'string'
      ? (await loadDataset(resolve(rows))).cases
      : Array.isArray(rows)
        ? rows
        : rows.cases;
  return list.map((row, i) => {
    if (isCase(row)) return { label: `row ${i + 1} (id ${row.id})`, scope: templateScope(row) };
    return { label: `row ${i + 1}`, scope: row };
  });
}

function isCase(row: unknown): row is Case {
  const r = row as Case;
  return (
    typeof r.id === 'string' && typeof r.vars === 'object' && r.vars !== null && typeof r.tags === 'object'
  );
}

/**
 * Each direct text variable set to each edge value in turn, the others kept at the first row's
 * values (sample texts for those it lacks: a missing variable is the row's problem, reported
 * there). Variables read as structures or lists are left alone.
 */
function edgeCases(
  variables: TemplateVariable[],
  base: Record<string, unknown> | undefined,
  longLength?: number,
): Input[] {
  const baseline = { ...sampleScope(variables), ...(base ? structuredClone(base) : {}) };
  const out: Input[] = [];
  for (const v of variables) {
    if (!v.direct || typeof valueAt(baseline, v.path) !== 'string') continue;
    for (const edge of edgeInputs(longLength)) {
      const scope = structuredClone(baseline);
      setAt(scope, v.path, edge.value);
      const size = edge.name === 'long' ? ` (${edge.value.length} chars)` : '';
      out.push({ label: `edge ${v.path.join('.')}=${edge.name}${size}`, scope });
    }
  }
  return out;
}

/** A text for each variable read whole, an empty list for each one looped over. */
function sampleScope(variables: TemplateVariable[]): Record<string, unknown> {
  const scope: Record<string, unknown> = {};
  for (const v of variables) setAt(scope, v.path, v.direct ? `sample ${v.path.join('.')}` : []);
  return scope;
}

function valueAt(scope: unknown, path: string[]): unknown {
  let v = scope;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function setAt(scope: Record<string, unknown>, path: string[], value: unknown): void {
  let v = scope;
  for (const key of path.slice(0, -1)) {
    if (v[key] === null || typeof v[key] !== 'object') v[key] = {};
    v = v[key] as Record<string, unknown>;
  }
  v[path[path.length - 1]!] = value;
}

function disguise(value: unknown): unknown {
  if (typeof value === 'string')
    return value.replace(/\{/g, '\uE000').replace(/\}/g, '\uE001').replace(/\$/g, '\uE002');
  if (Array.isArray(value)) return value.map(disguise);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, disguise(v)]));
  }
  return value;
}

function dedupe(variables: TemplateVariable[]): TemplateVariable[] {
  const byPath = new Map<string, TemplateVariable>();
  for (const v of variables) {
    const key = v.path.join('.');
    const seen = byPath.get(key);
    if (seen) seen.direct ||= v.direct;
    else byPath.set(key, { ...v });
  }
  return [...byPath.values()];
}

function snippet(text: string, at: number, length: number): string {
  const start = Math.max(0, at - 25);
  const end = Math.min(text.length, at + length + 25);
  return `${start > 0 ? '…' : ''}${JSON.stringify(text.slice(start, end)).slice(1, -1)}${end < text.length ? '…' : ''}`;
}
