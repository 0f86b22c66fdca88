import type BetterSqlite3 from 'better-sqlite3';
import type { ResultRecord } from '../core/run.js';
import type { DatasetRecord } from '../core/store.js';
import { resultRow, scoreRow } from './result-write.js';

/**
 * The write path of a run on SQLite, on prepared statements reused for every row: building and
 * preparing SQL per batch through the query builder cost more CPU than the rest of a case.
 * One transaction per batch; when `write` returns, the batch is durable.
 */
export class SqliteResultWriter {
  private readonly upsertResult: BetterSqlite3.Statement;
  private readonly deleteScores: BetterSqlite3.Statement;
  private readonly insertScore: BetterSqlite3.Statement;
  private readonly upsertCache: BetterSqlite3.Statement;
  private readonly selectCache: BetterSqlite3.Statement;
  private readonly writeBatch: (results: ResultRecord[], cache: Map<string, string>) => void;
  private readonly writeDataset: (record: DatasetRecord, cases: unknown[]) => void;

  constructor(db: BetterSqlite3.Database) {
    this.upsertResult = db.prepare(
      `INSERT INTO results (run_id, case_id, target, repeat, pass, error, latency_ms, cost_usd, tokens_in, tokens_out, tags, output)
       VALUES (@run_id, @case_id, @target, @repeat, @pass, @error, @latency_ms, @cost_usd, @tokens_in, @tokens_out, @tags, @output)
       ON CONFLICT (run_id, target, case_id, repeat) DO UPDATE SET pass = excluded.pass, error = excluded.error,
         latency_ms = excluded.latency_ms, cost_usd = excluded.cost_usd, tokens_in = excluded.tokens_in,
         tokens_out = excluded.tokens_out, tags = excluded.tags, output = excluded.output
       RETURNING id`,
    );
    this.deleteScores = db.prepare('DELETE FROM scores WHERE result_id = ?');
    this.insertScore = db.prepare(
      `INSERT INTO scores (result_id, run_id, evaluator, value, pass, reason, error, details)
       VALUES (@result_id, @run_id, @evaluator, @value, @pass, @reason, @error, @details)`,
    );
    this.upsertCache = db.prepare(
      'INSERT INTO cache (key, value, created_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    this.selectCache = db.prepare('SELECT value FROM cache WHERE key = ?');
    const insertDataset = db.prepare(
      'INSERT INTO datasets (name, version, path, case_count, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    );
    const hasCases = db.prepare('SELECT 1 FROM dataset_cases WHERE dataset_version = ? LIMIT 1');
    const insertCase = db.prepare(
      'INSERT INTO dataset_cases (dataset_version, position, case_id, data) VALUES (?, ?, ?, ?)',
    );
    this.writeDataset = db.transaction((record: DatasetRecord, cases: unknown[]) => {
      insertDataset.run(record.name, record.version, record.path ?? null, record.caseCount, record.createdAt);
      if (hasCases.get(record.version)) return;
      cases.forEach((c, i) => {
        insertCase.run(record.version, i, String((c as { id?: unknown }).id ?? i), JSON.stringify(c));
      });
    });
    this.writeBatch = db.transaction((results: ResultRecord[], cache: Map<string, string>) => {
      const now = new Date().toISOString();
      for (const [key, value] of cache) this.upsertCache.run(key, value, now);
      for (const r of results) {
        const { id } = this.upsertResult.get(resultRow(r)) as { id: number };
        this.deleteScores.run(id);
        for (const s of r.scores) this.insertScore.run({ result_id: id, ...scoreRow(r, s) });
      }
    });
  }

  cacheValue(key: string): string | undefined {
    return (this.selectCache.get(key) as { value: string } | undefined)?.value;
  }

  /** Stores a dataset version and its cases once; a version already stored is left as it is. */
  saveDataset(record: DatasetRecord, cases: unknown[]): void {
    this.writeDataset(record, cases);
  }

  write(results: ResultRecord[], cache: Map<string, string>): void {
    this.writeBatch(results, cache);
  }
}
