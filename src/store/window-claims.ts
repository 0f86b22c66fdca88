import { type Kysely, sql } from 'kysely';
import type { ClaimOutcome, WindowClaims } from '../monitor/window-claims.js';
import type { Dialect } from './migrations.js';
import type { Database } from './schema.js';

/**
 * Window claims on the store. On PostgreSQL the pass holds a session advisory lock keyed on
 * project + job (`pg_try_advisory_lock` on one pinned connection): an instance that does not get
 * it is `busy` and tries later; one that gets it checks `monitor_passes` for the window, runs the
 * pass and records the window before unlocking, so a window is neither run twice at once nor again
 * later. The lock is per job, not per window, because a pass also scores the traces of its
 * reference windows that no pass has scored yet: two windows' passes at once would score those
 * traces twice. SQLite is one process: no lock, the same record. `exclusive` takes the same lock
 * for a pass outside the servers (`assay monitor run --once`), waiting for it when it is held.
 */
export function kyselyWindowClaims(db: Kysely<Database>, dialect: Dialect): WindowClaims {
  const done = async (conn: Kysely<Database>, projectId: string, job: string, windowStart: number) =>
    (await conn
      .selectFrom('monitor_passes')
      .select('done_ms')
      .where('project_id', '=', projectId)
      .where('job', '=', job)
      .where('window_start', '=', windowStart)
      .executeTakeFirst()) !== undefined;
  const record = (conn: Kysely<Database>, projectId: string, job: string, windowStart: number) =>
    conn
      .insertInto('monitor_passes')
      .values({ project_id: projectId, job, window_start: windowStart, done_ms: Date.now() })
      .onConflict((oc) => oc.doNothing())
      .execute();
  const lockKey = (projectId: string, job: string) => `assay.monitor:${projectId}:${job}`;
  return {
    async exclusive(projectId, job, fn, onWait) {
      if (dialect === 'sqlite') return fn();
      return db.connection().execute(async (conn) => {
        const key = lockKey(projectId, job);
        const got = await sql<{
          ok: boolean;
        }>`select pg_try_advisory_lock(hashtextextended(${key}, 0)) as ok`.execute(conn);
        if (!got.rows[0]?.ok) {
          onWait?.();
          // A server's pass is short: wait for it rather than skip the run.
          await sql`select pg_advisory_lock(hashtextextended(${key}, 0))`.execute(conn);
        }
        try {
          return await fn();
        } finally {
          await sql`select pg_advisory_unlock(hashtextextended(${key}, 0))`.execute(conn);
        }
      });
    },
    async runOnce(projectId, job, windowStart, fn): Promise<ClaimOutcome> {
      if (dialect === 'sqlite') {
        if (await done(db, projectId, job, windowStart)) return 'done';
        await fn();
        await record(db, projectId, job, windowStart);
        return 'ran';
      }
      return db.connection().execute(async (conn): Promise<ClaimOutcome> => {
        const key = lockKey(projectId, job);
        const got = await sql<{
          ok: boolean;
        }>`select pg_try_advisory_lock(hashtextextended(${key}, 0)) as ok`.execute(conn);
        if (!got.rows[0]?.ok) return 'busy';
        try {
          if (await done(conn, projectId, job, windowStart)) return 'done';
          await fn();
          await record(conn, projectId, job, windowStart);
          return 'ran';
        } finally {
          await sql`select pg_advisory_unlock(hashtextextended(${key}, 0))`.execute(conn);
        }
      });
    },
  };
}
