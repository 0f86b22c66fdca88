import type { Case } from '../core/case.js';
import { AssayError } from '../core/errors.js';
import type { ResultRecord, RunRecord } from '../core/run.js';
import type { Store } from '../core/store.js';
import { drawSample, type SampleDraw, type SampleOptions } from '../datasets/sample.js';
import { expectedEvaluatorName } from '../evaluators/compares-expected.js';
import { casesOfRun } from '../regression/run-cases.js';
import type { ItemContent } from './model.js';
import type { SourcedItem } from './sourced.js';

/** Where a review item made from an eval result came from (kept in the item's `source`). */
export interface RunSource {
  kind: 'run';
  runId: string;
  caseId: string;
  target: string;
  /** `name@version` of the run's dataset. */
  dataset: string;
  tags: Record<string, string>;
  /** The case's own variables: what the exported golden case is asked with. */
  vars: Record<string, unknown>;
  sources?: unknown[];
  /** The run's verdict on the output: every evaluator passed. */
  pass: boolean;
  /**
   * The verdict of the evaluators that compared the output with the case's `expected` (exact-match,
   * similar, …: `src/evaluators/compares-expected.ts`), which `assay dataset health` sets against the
   * raters' verdict; absent when the run had none that scored this output.
   */
  expectedPass?: boolean;
  /**
   * The run's evaluators that compare with `expected` (score names), whether or not they scored this
   * output; `[]` when it had none. Absent on items added before it was kept.
   */
  expectedEvaluators?: string[];
}

export interface RunItemsOptions {
  runId: string;
  /** The project (name) the run must belong to: the queue's. */
  project?: string;
  /** Only the outputs a run's evaluators failed. */
  failed?: boolean;
  /** A stratified sample of them (the `assay eval --sample` code), by result tags. */
  sample?: SampleOptions;
}

export interface RunItems {
  run: RunRecord;
  items: SourcedItem[];
  /** The sample drawn, when asked for. */
  draw?: SampleDraw;
  /** Results whose case is in neither the store nor the run's unchanged dataset file. */
  missing: string[];
}

const key = (r: Pick<ResultRecord, 'runId' | 'target' | 'caseId'>) =>
  `run|${r.runId}|${r.target}|${r.caseId}`;

/**
 * Review items from a stored run: one per case × target that has an output (the first repeat),
 * optionally only the failed ones and a stratified sample of them. Each carries the case's input, the
 * output, retrieved contexts, the case's `expected` as reference, and a link to the run and case.
 */
export async function runItems(
  store: Pick<Store, 'getRun' | 'results' | 'datasetCases'>,
  options: RunItemsOptions,
): Promise<RunItems> {
  const run = await store.getRun(options.runId, options.project ? { project: options.project } : {});
  if (!run) {
    const where = options.project ? ` of project "${options.project}"` : '';
    throw new AssayError('run.not-found', `no run "${options.runId}"${where} in the store`, {
      field: '--run',
    });
  }
  let results: ResultRecord[] = [];
  for await (const r of store.results(run.id)) {
    if (r.repeat !== 0 || r.error || !r.output) continue;
    if (options.failed && r.pass) continue;
    results.push(r);
  }
  let draw: SampleDraw | undefined;
  if (options.sample && results.length > 0) {
    // The units are results (a case × target); the strata are their tags, as for `assay eval --sample`.
    const units: Case[] = results.map((r) => ({ id: key(r), vars: {}, tags: r.tags }));
    const byKey = new Map(results.map((r) => [key(r), r]));
    const sampled = drawSample(units, options.sample);
    results = sampled.cases.map((c) => byKey.get(c.id)!);
    draw = sampled.draw;
  }
  const cases = await casesOfRun(store, run, new Set(results.map((r) => r.caseId)));
  const dataset = `${run.provenance.dataset.name}@${run.provenance.dataset.version}`;
  const againstExpected = new Set(
    (run.provenance.evaluators ?? []).flatMap((e) => expectedEvaluatorName(e) ?? []),
  );
  const missing: string[] = [];
  const items: SourcedItem[] = [];
  for (const r of results) {
    const c = cases.get(r.caseId);
    if (!c) {
      missing.push(r.caseId);
      continue;
    }
    items.push({ key: key(r), content: contentOf(c, r, dataset, againstExpected) });
  }
  return { run, items, missing, ...(draw ? { draw } : {}) };
}

/** The pass of the scores against `expected` (a null score is not a verdict), or undefined when none has one. */
function expectedVerdict(r: ResultRecord, names: ReadonlySet<string>) {
  const scores = r.scores.filter((s) => names.has(s.evaluator) && s.pass !== null && !s.error);
  return {
    ...(scores.length ? { expectedPass: scores.every((s) => s.pass) } : {}),
    expectedEvaluators: [...names],
  };
}

function contentOf(
  c: Case,
  r: ResultRecord,
  dataset: string,
  againstExpected: ReadonlySet<string>,
): ItemContent {
  const out = r.output!;
  const source: RunSource = {
    kind: 'run',
    runId: r.runId,
    caseId: r.caseId,
    target: r.target,
    dataset,
    tags: { ...c.tags, ...r.tags },
    vars: c.vars,
    ...(c.sources ? { sources: c.sources } : {}),
    pass: r.pass,
    ...expectedVerdict(r, againstExpected),
  };
  // One variable is shown as itself (`question`), several as the object of them.
  const names = Object.keys(c.vars);
  const input = c.turns
    ? { ...c.vars, turns: c.turns.map((t) => t.user) }
    : names.length === 1
      ? c.vars[names[0]!]
      : c.vars;
  return {
    input,
    output: out.turns ? out.turns.map((t) => ({ user: t.user, assistant: t.assistant })) : out.text,
    ...(out.contexts?.length ? { contexts: out.contexts.map((x) => x.text) } : {}),
    ...(c.expected !== undefined ? { reference: c.expected } : {}),
    source: source as unknown as Record<string, unknown>,
  };
}
