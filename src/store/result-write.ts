import { CompiledQuery, type Kysely } from 'kysely';
import { redactCredentials } from '../core/redact.js';
import type { ResultRecord } from '../core/run.js';
import { resultKey } from '../core/run.js';
import { CHUNK, chunks } from './chunks.js';
import type { Dialect } from './migrations.js';
import type { Database } from './schema.js';

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

/**
 * Writes results and their scores as upserts: one row per (run, target, case, repeat), a result
 * written again replacing its row and its scores. On PostgreSQL this is ONE statement whatever the
 * batch's size (arrays unnested; results upserted, their old scores deleted and the new ones
 * inserted in one statement, which is atomic on its own); elsewhere a few statements per 200
 * results, to be run in a transaction.
 */
export async function writeResults(
  db: Kysely<Database>,
  dialect: Dialect,
  results: ResultRecord[],
): Promise<void> {
  if (results.length === 0) return;
  if (dialect === 'postgres') {
    await db.executeQuery(postgresResultsQuery(results));
    return;
  }
  for (const part of chunks(results, CHUNK)) {
    const rows = await db
      .insertInto('results')
      .values(part.map(resultRow))
      .onConflict((oc) =>
        oc.columns(['run_id', 'target', 'case_id', 'repeat']).doUpdateSet((eb) => ({
          pass: eb.ref('excluded.pass'),
          error: eb.ref('excluded.error'),
          latency_ms: eb.ref('excluded.latency_ms'),
          cost_usd: eb.ref('excluded.cost_usd'),
          tokens_in: eb.ref('excluded.tokens_in'),
          tokens_out: eb.ref('excluded.tokens_out'),
          tags: eb.ref('excluded.tags'),
          output: eb.ref('excluded.output'),
        })),
      )
      .returning(['id', 'case_id', 'target', 'repeat'])
      .execute();
    const ids = new Map(rows.map((r) => [resultKey(r.case_id, r.target, r.repeat), Number(r.id)]));
    const scoreRows = part.flatMap((r) => {
      const id = ids.get(resultKey(r.caseId, r.target, r.repeat))!;
      return r.scores.map((s) => ({ result_id: id, ...scoreRow(r, s) }));
    });
    await db
      .deleteFrom('scores')
      .where('result_id', 'in', [...ids.values()])
      .execute();
    for (const sp of chunks(scoreRows, CHUNK)) await db.insertInto('scores').values(sp).execute();
  }
}

/**
 * The PostgreSQL batch write: each column a bound array, so the text is the same for any batch and
 * 19 parameters carry any number of rows. Scores name their result by its position in the batch
 * (`item`); they are inserted in the batch's order, which is the order a run's results read back.
 */
const POSTGRES_RESULTS_SQL = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::text[],
                       $7::float8[], $8::float8[], $9::int[], $10::int[], $11::text[], $12::text[])
    WITH ORDINALITY AS t(run_id, case_id, target, repeat, pass, error, latency_ms, cost_usd,
                         tokens_in, tokens_out, tags, output, item)
), saved AS (
  INSERT INTO results (run_id, case_id, target, repeat, pass, error, latency_ms, cost_usd,
                       tokens_in, tokens_out, tags, output)
  SELECT run_id, case_id, target, repeat, pass, error, latency_ms, cost_usd,
         tokens_in, tokens_out, tags, output
    FROM input ORDER BY item
  ON CONFLICT (run_id, target, case_id, repeat) DO UPDATE SET
    pass = excluded.pass, error = excluded.error, latency_ms = excluded.latency_ms,
    cost_usd = excluded.cost_usd, tokens_in = excluded.tokens_in, tokens_out = excluded.tokens_out,
    tags = excluded.tags, output = excluded.output
  RETURNING id, run_id, case_id, target, repeat
), cleared AS (
  DELETE FROM scores WHERE result_id IN (SELECT id FROM saved)
)
INSERT INTO scores (result_id, run_id, evaluator, value, pass, reason, error, details)
SELECT saved.id, saved.run_id, s.evaluator, s.value, s.pass, s.reason, s.error, s.details
  FROM unnest($13::int[], $14::text[], $15::float8[], $16::int[], $17::text[], $18::text[], $19::text[])
         WITH ORDINALITY AS s(item, evaluator, value, pass, reason, error, details, position)
  JOIN input USING (item)
  JOIN saved ON saved.run_id = input.run_id AND saved.target = input.target
            AND saved.case_id = input.case_id AND saved.repeat = input.repeat
 ORDER BY s.position`;

function postgresResultsQuery(results: ResultRecord[]): CompiledQuery {
  const r = {
    run_id: [] as string[],
    case_id: [] as string[],
    target: [] as string[],
    repeat: [] as number[],
    pass: [] as number[],
    error: [] as (string | null)[],
    latency_ms: [] as number[],
    cost_usd: [] as (number | null)[],
    tokens_in: [] as (number | null)[],
    tokens_out: [] as (number | null)[],
    tags: [] as string[],
    output: [] as (string | null)[],
  };
  const s = {
    item: [] as number[],
    evaluator: [] as string[],
    value: [] as (number | null)[],
    pass: [] as (number | null)[],
    reason: [] as (string | null)[],
    error: [] as (string | null)[],
    details: [] as (string | null)[],
  };
  results.forEach((result, i) => {
    const row = resultRow(result);
    for (const key of Object.keys(r) as (keyof typeof r)[]) (r[key] as unknown[]).push(row[key]);
    for (const score of result.scores) {
      const sr = { ...scoreRow(result, score), item: i + 1 };
      for (const key of Object.keys(s) as (keyof typeof s)[]) (s[key] as unknown[]).push(sr[key]);
    }
  });
  return CompiledQuery.raw(POSTGRES_RESULTS_SQL, [...Object.values(r), ...Object.values(s)]);
}

/** Messages are stored without credentials, whoever wrote them (a URL's `?key=`, a `user:pass@`). */
export function redacted(text: string | null | undefined): string | null {
  return text == null ? null : redactCredentials(text);
}

export function resultRow(r: ResultRecord) {
  return {
    run_id: r.runId,
    case_id: r.caseId,
    target: r.target,
    repeat: r.repeat,
    pass: r.pass ? 1 : 0,
    error: redacted(r.error),
    latency_ms: r.latencyMs,
    cost_usd: r.costUsd ?? null,
    tokens_in: r.tokens?.input ?? null,
    tokens_out: r.tokens?.output ?? null,
    tags: JSON.stringify(r.tags),
    output: json(r.output ?? undefined),
  };
}

/** A score's row but its result id (what the stores number their own way). */
export function scoreRow(r: ResultRecord, s: ResultRecord['scores'][number]) {
  return {
    run_id: r.runId,
    evaluator: s.evaluator,
    value: s.value,
    pass: s.pass === null ? null : s.pass ? 1 : 0,
    reason: redacted(s.reason),
    error: redacted(s.error),
    details: json(s.details),
  };
}
