import { type Kysely, sql } from 'kysely';
import type { Dialect } from './migrations.js';
import { HOUR, NO_BIN, NONE } from './rollup-cells.js';
import type { Database } from './schema.js';
import { latencyBin } from './traffic-series.js';

/**
 * Recomputes the rollup rows of hours [fromHour, toHour) of every project from the raw traces and
 * spans: the migration's backfill (every hour) and `prune`'s repair of the hours it cut into. The
 * same sums as the ingest path's `RollupDeltas`, written as GROUP BYs.
 */
export async function rebuildRollups(
  db: Kysely<Database>,
  dialect: Dialect,
  fromHour: number,
  toHour: number,
): Promise<void> {
  const [from, to] = [fromHour * HOUR, toHour * HOUR];
  const hour = (alias: 't' | 's') =>
    sql`cast(floor(${sql.ref(`${alias}.start_ms`)} / ${sql.lit(HOUR)}) as bigint)`;
  const bin = (alias: 't' | 's') => sql`coalesce(${latencyBin(alias, dialect)}, ${sql.lit(NO_BIN)})`;
  const none = sql.lit(NONE);
  const duration = (alias: 't' | 's') =>
    sql`coalesce(sum(${sql.ref(`${alias}.end_ms`)} - ${sql.ref(`${alias}.start_ms`)}), 0)`;
  await db.deleteFrom('trace_rollup').where('hour', '>=', fromHour).where('hour', '<', toHour).execute();
  await db.deleteFrom('call_rollup').where('hour', '>=', fromHour).where('hour', '<', toHour).execute();
  // Every trace under model '', and once more under each distinct model of its spans.
  const traceSums = sql`count(*), sum(case when t.error_count > 0 then 1 else 0 end),
    coalesce(sum(t.cost_usd), 0), count(t.cost_usd), sum(t.input_tokens), sum(t.output_tokens), ${duration('t')}`;
  const traceColumns = sql.raw(
    'project_id, hour, model, segment, prompt_version, bin, n, errors, cost_usd, costed, input_tokens, output_tokens, latency_ms',
  );
  await sql`insert into trace_rollup (${traceColumns})
    select t.project_id, ${hour('t')}, ${none}, coalesce(t.segment, ${none}), coalesce(t.prompt_version, ${none}), ${bin('t')}, ${traceSums}
    from traces t where t.start_ms >= ${from} and t.start_ms < ${to}
    group by 1, 2, 3, 4, 5, 6`.execute(db);
  await sql`with m as (
      select distinct s.project_id, s.trace_id, s.model from traces t
      join spans s on s.trace_seq = t.seq
      where t.start_ms >= ${from} and t.start_ms < ${to} and s.model is not null and s.model <> ${none})
    insert into trace_rollup (${traceColumns})
    select t.project_id, ${hour('t')}, m.model, coalesce(t.segment, ${none}), coalesce(t.prompt_version, ${none}), ${bin('t')}, ${traceSums}
    from traces t join m on m.project_id = t.project_id and m.trace_id = t.trace_id
    group by 1, 2, 3, 4, 5, 6`.execute(db);
  const ok = sql`s.status <> 'error'`;
  await sql`insert into call_rollup (project_id, hour, model, segment, prompt_version, bin, n, errors, cost_usd,
      costed, ok_output_tokens, ok_counted, tokens, latency_ms)
    select s.project_id, ${hour('s')}, s.model, coalesce(s.segment, ${none}), coalesce(s.prompt_version, ${none}), ${bin('s')},
      count(*), sum(case when ${ok} then 0 else 1 end), coalesce(sum(s.cost_usd), 0), count(s.cost_usd),
      coalesce(sum(case when ${ok} then s.output_tokens end), 0),
      sum(case when ${ok} and s.output_tokens is not null then 1 else 0 end),
      sum(coalesce(s.input_tokens, 0) + coalesce(s.output_tokens, 0)), ${duration('s')}
    from spans s where s.start_ms >= ${from} and s.start_ms < ${to} and s.model is not null
    group by 1, 2, 3, 4, 5, 6`.execute(db);
}
