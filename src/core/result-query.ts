import type { ResultRecord } from './run.js';

/** How a result ended: passed, failed a score, or the target errored (no output judged). */
export type ResultStatus = 'pass' | 'fail' | 'error';

export const RESULT_SORTS = ['case', 'target', 'status', 'latency', 'cost', 'tokens', 'score'] as const;
export type ResultSort = (typeof RESULT_SORTS)[number];

/** A page of a run's case table: filtered, sorted and paginated by the store, not the caller. */
export interface ResultQuery {
  /** Case-insensitive substring of the case id or the output text. */
  search?: string;
  /** Exactly this case id (all its targets and repeats). */
  caseId?: string;
  target?: string;
  status?: ResultStatus;
  /** Stratum `key=value`: the result's tag `key` equals `value`. */
  tag?: { key: string; value: string };
  /** Only results this evaluator failed. */
  failedEvaluator?: string;
  sort?: ResultSort;
  /** With `sort: 'score'`: whose score to sort by. */
  sortEvaluator?: string;
  order?: 'asc' | 'desc';
  offset?: number;
  limit?: number;
}

/** A result as the store keeps it, with its row id (stable, for links). */
export interface StoredResult extends ResultRecord {
  id: number;
}

export interface ResultPage {
  /** Results matching the filters, over all pages. */
  total: number;
  rows: StoredResult[];
}

/** One result with the dataset case it answered (when the store keeps the dataset). */
export interface ResultDetail {
  result: StoredResult;
  case?: unknown;
}

export function resultStatus(r: Pick<ResultRecord, 'pass' | 'error'>): ResultStatus {
  return r.error !== undefined ? 'error' : r.pass ? 'pass' : 'fail';
}
