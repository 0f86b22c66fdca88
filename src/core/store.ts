import type { ResultDetail, ResultPage, ResultQuery } from './result-query.js';
import type { ResultRecord, RunRecord } from './run.js';

/** A stored dataset version. */
export interface DatasetRecord {
  name: string;
  version: string;
  path?: string;
  caseCount: number;
  createdAt: string;
}

/**
 * A statement run on the connection of a store transaction that is open (PostgreSQL: `$1`
 * placeholders). What a queue's SQL needs to commit with the results it goes with.
 */
export interface TransactionSql {
  execute(sql: string, values: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface SaveResultsOptions {
  /**
   * More work in the results' transaction: committed with them, or rolled back with them when it
   * throws (a distributed worker completes its queue job here).
   */
  inTransaction?: (tx: TransactionSql) => Promise<void>;
}

/** Narrows run lookups to one project (by name): what the server's runs API passes for a caller. */
export interface RunScope {
  project?: string;
}

/**
 * The store port. SQLite (default), PostgreSQL and in-memory adapters implement it and pass one
 * contract test suite. Every method is async so a networked database fits the same shape.
 */
export interface Store {
  /** Stores a dataset version and its cases once; saving the same version again changes nothing. */
  saveDataset(record: DatasetRecord, cases: unknown[]): Promise<void>;
  /** The cases stored under a dataset version, in their order; empty when that version is unknown. */
  datasetCases(version: string): Promise<unknown[]>;
  /** Stored dataset versions, oldest first; of one dataset name when given. */
  listDatasets(name?: string): Promise<DatasetRecord[]>;
  createRun(run: RunRecord): Promise<void>;
  updateRun(
    id: string,
    patch: Partial<Pick<RunRecord, 'status' | 'finishedAt' | 'summary' | 'error'>>,
  ): Promise<void>;
  /**
   * By id, or by a unique prefix of one; throws (`usage`, listing them) when the prefix starts several.
   * With `project`, only that project's runs are found (another project's id is undefined).
   */
  getRun(id: string, scope?: RunScope): Promise<RunRecord | undefined>;
  listRuns(options?: { limit?: number; configHash?: string } & RunScope): Promise<RunRecord[]>;
  /** The newest run of a config that did not complete, for `--resume`. */
  latestUnfinished(configHash: string): Promise<RunRecord | undefined>;
  /**
   * Writes results in one transaction: when this resolves, they are durable. A result whose
   * (run, target, case, repeat) is stored already replaces it: one row per key, whoever writes twice.
   */
  saveResults(results: ResultRecord[], options?: SaveResultsOptions): Promise<void>;
  /**
   * Streams a run's results in insertion order, without holding them all in memory; with
   * `caseIds`, only those cases' (a distributed worker's chunk, without reading the whole run).
   */
  results(runId: string, options?: { caseIds?: string[] }): AsyncIterable<ResultRecord>;
  /** One page of a run's results, filtered and sorted by the database (the web app's case table). */
  queryResults(runId: string, query: ResultQuery): Promise<ResultPage>;
  /** One result by its row id, with its dataset case; undefined when the run has no such result. */
  resultDetail(runId: string, resultId: number): Promise<ResultDetail | undefined>;
  cacheGet(key: string): Promise<unknown | undefined>;
  cacheSet(key: string, value: unknown): Promise<void>;
  /** Stores an arbitrary document attached to a run (calibration, comparison, …). */
  saveArtifact(runId: string, kind: string, value: unknown): Promise<void>;
  artifacts(runId: string, kind?: string): Promise<{ kind: string; value: unknown; createdAt: string }[]>;
  close(): Promise<void>;
}
