import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '../core/case.js';
import type { ResultRecord, RunRecord } from '../core/run.js';
import type { Evaluator } from '../core/score.js';
import type { Store } from '../core/store.js';
import { datasetFromCases } from '../datasets/load.js';
import { createEvaluator } from '../evaluators/registry.js';
import { openStore } from '../store/open.js';
import type { Suite } from '../suite/build-suite.js';
import { newRunId } from '../suite/run-id.js';
import { runSuite } from '../suite/run-suite.js';
import { createFunctionTarget } from '../targets/function-target.js';

/** One case of a `describeEval` suite. */
export interface EvalCase<I, E = unknown> {
  input: I;
  expected?: E;
  /** Stable id, shown as the test's name (default `case-<n>`). */
  id?: string;
  tags?: Record<string, string>;
}

/** What the task returns: the answer, or the answer with its contexts, tool calls and usage. */
export type TaskOutput =
  | string
  | {
      output: string;
      contexts?: (string | { id?: string; text: string })[];
      toolCalls?: unknown[];
      usage?: unknown;
    };

export interface DescribeEvalOptions<I, E = unknown> {
  data: EvalCase<I, E>[];
  /** The code under test: called once per case. */
  task: (input: I, c: EvalCase<I, E>) => TaskOutput | Promise<TaskOutput>;
  /** Built-in evaluators as in assay.yaml (`{ type: 'contains', value: '{{ expected }}' }`), or your own `{ name, evaluate }`. */
  evaluators: (Evaluator | EvaluatorSpec)[];
  /**
   * A case passes when the mean of its scores reaches this (0–1). Without it, a case passes when
   * every score passes. A score that could not be computed, or a task that threw, fails the case.
   */
  threshold?: number;
  /** The Assay store the run is saved in: a SQLite path or a postgres:// URL (default `$ASSAY_DB`, else `.assay/assay.db`). */
  db?: string;
  /** Cases in flight at once (default 4). */
  concurrency?: number;
  /** Per call (default 60 s). */
  timeoutMs?: number;
}

/** A built-in evaluator, configured as under `evaluators:` in assay.yaml. */
export type EvaluatorSpec = { type: string; name?: string } & Record<string, unknown>;

/** The evaluators as objects: specs are built as `assay eval` builds them, relative to the cwd. */
async function buildEvaluators(list: (Evaluator | EvaluatorSpec)[]): Promise<Evaluator[]> {
  const ctx = {
    baseDir: process.cwd(),
    loadModule: (f: string) => import(pathToFileURL(f).href),
    env: process.env,
  };
  const out: Evaluator[] = [];
  for (const e of list) out.push(isEvaluator(e) ? e : await createEvaluator(e, ctx));
  return out;
}

function isEvaluator(e: Evaluator | EvaluatorSpec): e is Evaluator {
  return typeof (e as Partial<Evaluator>).evaluate === 'function';
}

/** What a case's test decides from its result. */
export function caseVerdict(
  r: ResultRecord,
  threshold: number | undefined,
): { pass: boolean; mean: number | null; line: string } {
  const values = r.scores.map((s) => s.value).filter((v): v is number => v !== null);
  const mean = values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
  const failedToScore = r.error !== undefined || r.scores.some((s) => s.error !== undefined);
  const pass =
    !failedToScore &&
    (threshold === undefined ? r.scores.every((s) => s.pass !== false) : mean !== null && mean >= threshold);
  const scores = r.scores
    .map(
      (s) => `${s.evaluator}=${s.value === null ? 'null' : s.value.toFixed(2)}${s.pass === false ? '✗' : ''}`,
    )
    .join(' ');
  const goal = threshold === undefined ? 'every score passes' : `threshold ${threshold}`;
  const line = `${r.caseId}: ${r.error ? `error: ${r.error}` : scores} · mean ${mean === null ? 'null' : mean.toFixed(2)} (${goal})`;
  return { pass, mean, line };
}

/**
 * An Assay evaluation as a Vitest suite: each case is a test that prints its scores and fails
 * under the threshold; the whole run is saved in the Assay store (`assay runs`, the web app).
 *
 * @example
 * describeEval('support bot', {
 *   data: [{ input: 'Where is my order?', expected: 'tracking' }],
 *   task: (question) => answer(question),
 *   evaluators: [{ type: 'contains', value: '{{ expected }}' }],
 *   threshold: 0.8,
 * });
 */
export function describeEval<I, E = unknown>(name: string, options: DescribeEvalOptions<I, E>): void {
  const cases: Case[] = options.data.map((d, i) => ({
    id: d.id ?? `case-${i + 1}`,
    vars: { input: d.input as unknown },
    ...(d.expected === undefined ? {} : { expected: d.expected }),
    tags: d.tags ?? {},
  }));
  const byId = new Map(cases.map((c, i) => [c.id, options.data[i]!]));
  if (byId.size !== cases.length) throw new Error(`describeEval("${name}"): two cases share an id`);

  describe(name, () => {
    let store: Store | undefined;
    let results = new Map<string, ResultRecord>();
    let run: RunRecord | undefined;

    beforeAll(async () => {
      store = await openStore(options.db ?? process.env.ASSAY_DB);
      const target = createFunctionTarget({
        id: 'task',
        source: name,
        fn: (c) => {
          const d = byId.get(c.id)!;
          return options.task(d.input, d);
        },
      });
      const evaluators = await buildEvaluators(options.evaluators);
      const dataset = datasetFromCases(name, cases);
      const suite: Suite = {
        dataset,
        targets: [target],
        evaluators,
        provenance: {
          assayVersion: 'vitest',
          nodeVersion: process.version,
          dataset: { name, version: dataset.version, cases: cases.length },
          targets: [target.describe()],
          evaluators: options.evaluators.map((e) => (isEvaluator(e) ? { name: e.name } : e)),
          // Runs of one describeEval block are runs of one suite.
          configHash: createHash('sha256').update(`vitest\u0000${name}`).digest('hex').slice(0, 16),
        },
      };
      const done = await runSuite(suite, {
        store,
        runId: newRunId(),
        description: `vitest: ${name}`,
        concurrency: options.concurrency ?? 4,
        retries: 0,
        timeoutMs: options.timeoutMs ?? 60_000,
        cache: false,
      });
      run = done.run;
      results = new Map();
      for await (const r of store.results(run.id)) results.set(r.caseId, r);
      const s = run.summary;
      if (s) console.log(`assay: run ${run.id} · ${name} · pass rate ${(s.passRate * 100).toFixed(1)}%`);
    });
    afterAll(async () => {
      await store?.close();
    });

    for (const c of cases) {
      it(c.id, () => {
        const r = results.get(c.id);
        expect(r, `no result for case ${c.id} (the run failed before it)`).toBeDefined();
        const verdict = caseVerdict(r!, options.threshold);
        console.log(verdict.line);
        expect(verdict.pass, verdict.line).toBe(true);
      });
    }
  });
}
