import { readFile } from 'node:fs/promises';
import { AssayError } from '../core/errors.js';
import type { ResultRecord, RunRecord } from '../core/run.js';
import type { Store } from '../core/store.js';
import { getOrCreate } from '../util/maps.js';

/** One case of one side of a comparison, its repeats averaged. */
export interface CaseOutcome {
  caseId: string;
  target: string;
  tags: Record<string, string>;
  /**
   * Fraction of tries that passed: 0 or 1 without repeats. An errored try counts as a failure here:
   * a target that times out did not give a passing answer, and leaving it out would hide the damage.
   */
  pass: number;
  /** Tries (repeats, errored ones included), how many passed and how many errored. */
  trials: number;
  passes: number;
  errors: number;
  /** Mean value per evaluator over the repeats that scored it (errored tries have no score). */
  scores: Record<string, number>;
  latencyMs: number[];
  costUsd: number | null;
}

export interface RunSide {
  id: string;
  label: string;
  targets: string[];
  cases: Map<string, CaseOutcome>;
}

interface Acc {
  outcome: CaseOutcome;
  judged: number;
  passes: number;
  sums: Map<string, { sum: number; n: number }>;
  cost: number;
  costed: boolean;
}

/** Folds a run's results into one outcome per case and target (repeats averaged). */
export async function sideFromResults(
  id: string,
  label: string,
  results: AsyncIterable<ResultRecord> | Iterable<ResultRecord>,
): Promise<RunSide> {
  const accs = new Map<string, Acc>();
  const targets = new Set<string>();
  for await (const r of results) {
    targets.add(r.target);
    const a = getOrCreate(accs, `${r.target}\u0000${r.caseId}`, () => ({
      outcome: {
        caseId: r.caseId,
        target: r.target,
        tags: r.tags,
        pass: 0,
        trials: 0,
        passes: 0,
        errors: 0,
        scores: {},
        latencyMs: [],
        costUsd: null,
      },
      judged: 0,
      passes: 0,
      sums: new Map(),
      cost: 0,
      costed: false,
    }));
    a.outcome.trials++;
    if (r.error !== undefined) {
      a.outcome.errors++;
      continue;
    }
    a.judged++;
    if (r.pass) a.passes++;
    if (r.output && !r.output.cached) a.outcome.latencyMs.push(r.latencyMs);
    if (r.costUsd !== undefined) {
      a.cost += r.costUsd;
      a.costed = true;
    }
    for (const s of r.scores) {
      if (s.value === null) continue;
      const acc = getOrCreate(a.sums, s.evaluator, () => ({ sum: 0, n: 0 }));
      acc.sum += s.value;
      acc.n++;
    }
  }
  const cases = new Map<string, CaseOutcome>();
  for (const [key, a] of accs) {
    const o = a.outcome;
    o.passes = a.passes;
    o.pass = a.passes / o.trials;
    for (const [name, s] of a.sums) o.scores[name] = s.sum / s.n;
    if (a.costed) o.costUsd = a.cost / Math.max(1, a.judged);
    cases.set(key, o);
  }
  return { id, label, targets: [...targets].sort(), cases };
}

/** A side from a run id in the store, or from a results JSON file written by `assay eval --output`. */
export async function loadSide(ref: string, store: Store | undefined): Promise<RunSide> {
  if (/\.json$/i.test(ref)) {
    let doc: { run?: RunRecord; results?: JsonResult[] };
    try {
      doc = JSON.parse(await readFile(ref, 'utf8'));
    } catch (error) {
      throw new AssayError('input.invalid', `cannot read results JSON: ${(error as Error).message}`, {
        file: ref,
      });
    }
    if (!Array.isArray(doc.results))
      throw new AssayError('input.invalid', 'not a results JSON (no "results" list)', { file: ref });
    return sideFromResults(
      doc.run?.id ?? ref,
      ref,
      doc.results.map((r) => fromJson(r, doc.run?.id ?? ref)),
    );
  }
  if (!store) throw new AssayError('input.invalid', `"${ref}" is not a .json file and no store is open`);
  const run = await store.getRun(ref);
  if (!run) throw new AssayError('run.not-found', `no run "${ref}" in the store`);
  return sideFromResults(run.id, run.id, store.results(run.id));
}

interface JsonResult {
  caseId: string;
  target: string;
  repeat?: number;
  tags?: Record<string, string>;
  output: string | null;
  pass: boolean;
  latencyMs: number;
  error: string | null;
  costUsd?: number | null;
  cached?: boolean;
  scores: { evaluator: string; value: number | null; pass: boolean | null }[];
}

function fromJson(r: JsonResult, runId: string): ResultRecord {
  return {
    runId,
    caseId: r.caseId,
    target: r.target,
    repeat: r.repeat ?? 0,
    tags: r.tags ?? {},
    output:
      r.output === null
        ? null
        : { text: r.output, latencyMs: r.latencyMs, ...(r.cached ? { cached: true } : {}) },
    pass: r.pass,
    ...(r.error ? { error: r.error } : {}),
    scores: r.scores.map((s) => ({ evaluator: s.evaluator, value: s.value, pass: s.pass })),
    latencyMs: r.latencyMs,
    ...(r.costUsd === null || r.costUsd === undefined ? {} : { costUsd: r.costUsd }),
  };
}
