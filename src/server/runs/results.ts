import type { Case } from '../../core/case.js';
import { AssayError } from '../../core/errors.js';
import {
  RESULT_SORTS,
  type ResultQuery,
  type ResultSort,
  resultStatus,
  type StoredResult,
} from '../../core/result-query.js';
import type { RunRecord } from '../../core/run.js';
import type { Store } from '../../core/store.js';
import type { ResultList, ResultRow, ResultView } from './views.js';

const PREVIEW = 240;
const STATUSES = ['pass', 'fail', 'error'] as const;

const bad = (field: string, message: string) => new AssayError('usage', message, { field });

/**
 * Reads the case table's query string: `q`, `case`, `target`, `status`, `tag=key=value`, `evaluator`
 * (failed it), `sort` (+ `sortEvaluator` for `score`), `order`, `offset`, `limit`. Throws a `usage`
 * error naming the parameter when a value is not allowed.
 */
export function parseResultQuery(params: Record<string, string | undefined>): ResultQuery {
  const q: ResultQuery = {};
  if (params.q) q.search = params.q.slice(0, 500);
  if (params.case) q.caseId = params.case;
  if (params.target) q.target = params.target;
  if (params.status) {
    if (!(STATUSES as readonly string[]).includes(params.status))
      throw bad('status', `status must be one of ${STATUSES.join(', ')}, got "${params.status}"`);
    q.status = params.status as ResultQuery['status'];
  }
  if (params.tag) {
    const at = params.tag.indexOf('=');
    if (at <= 0) throw bad('tag', `tag must be key=value, got "${params.tag}"`);
    q.tag = { key: params.tag.slice(0, at), value: params.tag.slice(at + 1) };
  }
  if (params.evaluator) q.failedEvaluator = params.evaluator;
  if (params.sort) {
    if (!(RESULT_SORTS as readonly string[]).includes(params.sort))
      throw bad('sort', `sort must be one of ${RESULT_SORTS.join(', ')}, got "${params.sort}"`);
    q.sort = params.sort as ResultSort;
    if (q.sort === 'score') {
      if (!params.sortEvaluator)
        throw bad('sortEvaluator', 'sort=score needs sortEvaluator=<evaluator name>');
      q.sortEvaluator = params.sortEvaluator;
    }
  }
  if (params.order) {
    if (params.order !== 'asc' && params.order !== 'desc')
      throw bad('order', `order must be asc or desc, got "${params.order}"`);
    q.order = params.order;
  }
  for (const key of ['offset', 'limit'] as const) {
    const raw = params[key];
    if (raw === undefined || raw === '') continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw bad(key, `${key} must be a whole number ≥ 0, got "${raw}"`);
    q[key] = n;
  }
  return q;
}

function toRow(r: StoredResult): ResultRow {
  const text = r.output?.text ?? null;
  return {
    id: r.id,
    caseId: r.caseId,
    target: r.target,
    repeat: r.repeat,
    tags: r.tags,
    status: resultStatus(r),
    latencyMs: r.latencyMs,
    costUsd: r.costUsd ?? null,
    tokens: r.tokens ?? null,
    scores: r.scores.map((s) => ({ evaluator: s.evaluator, value: s.value, pass: s.pass })),
    output: text === null ? null : text.length > PREVIEW ? `${text.slice(0, PREVIEW)}…` : text,
    error: r.error ?? null,
  };
}

/** One page of a run's case table. */
export async function listResults(store: Store, runId: string, query: ResultQuery): Promise<ResultList> {
  const page = await store.queryResults(runId, query);
  return {
    total: page.total,
    offset: query.offset ?? 0,
    limit: Math.min(query.limit ?? 50, 500),
    rows: page.rows.map(toRow),
  };
}

/** The case view of one result; undefined when the run has no such result. */
export async function resultView(
  store: Store,
  run: RunRecord,
  resultId: number,
): Promise<ResultView | undefined> {
  const detail = await store.resultDetail(run.id, resultId);
  if (!detail) return undefined;
  const r = detail.result;
  const c = detail.case as Partial<Case> | undefined;
  const o = r.output;
  const p = run.provenance;
  return {
    id: r.id,
    runId: run.id,
    caseId: r.caseId,
    target: r.target,
    repeat: r.repeat,
    tags: r.tags,
    status: resultStatus(r),
    latencyMs: r.latencyMs,
    costUsd: r.costUsd ?? null,
    tokens: r.tokens ?? null,
    error: r.error ?? null,
    input: c?.vars ?? null,
    expected: c?.expected ?? null,
    output: o?.text ?? null,
    cached: Boolean(o?.cached),
    prompt: o?.prompt ?? null,
    contexts: o?.contexts ?? [],
    toolCalls: o?.toolCalls ?? [],
    turns: o?.turns ?? [],
    scores: r.scores,
    provenance: {
      runId: run.id,
      dataset: p.dataset,
      targets: p.targets.filter((t) => t.id === r.target),
      configHash: p.configHash,
      gitCommit: p.gitCommit ?? null,
      promptHash: p.promptHash ?? null,
    },
  };
}
