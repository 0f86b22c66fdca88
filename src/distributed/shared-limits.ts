import { randomUUID } from 'node:crypto';
import type PgBoss from 'pg-boss';
import { redactCredentials } from '../core/redact.js';
import type { Pools } from '../runner/call-target.js';

/** How often a worker beats and brings its limiters in line with the shared limits. */
export const SYNC_MS = 100;

/** The tables of the shared limits, in the queue's schema (made once by `openQueue`). */
export function sharedLimitTablesSql(schema: string): string {
  const s = quoteIdent(schema);
  return `
    CREATE TABLE IF NOT EXISTS ${s}.assay_worker_beats (id text PRIMARY KEY, seen_at timestamptz NOT NULL);
    CREATE TABLE IF NOT EXISTS ${s}.assay_endpoint_push_backs (endpoint text PRIMARY KEY, total bigint NOT NULL);`;
}

export interface SharedLimits {
  /** One beat and one exchange per endpoint now (the timer does this every `SYNC_MS`). */
  sync(): Promise<void>;
  /** Stops beating and leaves the live workers at once. */
  stop(): Promise<void>;
}

/**
 * Makes the adaptive limiters of `pools` behave as one limiter per endpoint across every
 * `assay worker` on the queue's PostgreSQL, so N workers do not multiply an endpoint's 429s. Each
 * worker beats in `assay_worker_beats` (live: seen in the last 10 s) and adds its endpoints'
 * push-backs to a counter per endpoint. Each limiter then climbs N times slower (N live workers:
 * together they climb as one limiter would) and halves once per push-back the other workers
 * reported since its last look, as it halves at once on its own. With no push-back a worker keeps its whole
 * `--concurrency`: sharing costs no throughput below the endpoint's limit. A sync that fails
 * leaves the limiters as they are (they keep adapting on their own) and is tried again next tick.
 */
export function startSharedLimits(
  db: PgBoss.Db,
  schema: string,
  pools: Pools,
  options: { intervalMs?: number; onError?: (error: unknown) => void } = {},
): SharedLimits {
  const id = randomUUID();
  const s = quoteIdent(schema);
  const exchange = `
    WITH live AS (
      SELECT greatest(count(*), 1)::int AS n FROM ${s}.assay_worker_beats
       WHERE seen_at > now() - interval '10 seconds'
    )
    INSERT INTO ${s}.assay_endpoint_push_backs AS p (endpoint, total) VALUES ($1, $2::bigint)
    ON CONFLICT (endpoint) DO UPDATE SET total = p.total + $2::bigint
    RETURNING total, (SELECT n FROM live) AS live`;
  /** Per endpoint: own push-backs already added, and the total at the last look. */
  const known = new Map<string, { sent: number; total: number }>();
  let running: Promise<void> | undefined;
  const once = async () => {
    await db.executeSql(
      `INSERT INTO ${s}.assay_worker_beats (id, seen_at) VALUES ($1, now())
       ON CONFLICT (id) DO UPDATE SET seen_at = now()`,
      [id],
    );
    for (const [endpoint, limiter] of pools) {
      const mine = known.get(endpoint);
      const own = limiter.pushBacks - (mine?.sent ?? 0);
      // An endpoint's key may be a base URL: what it carries as a password or key stays out of the table.
      const { rows } = await db.executeSql(exchange, [redactCredentials(endpoint), own]);
      const row = rows[0] as { total: string | number; live: number };
      const total = Number(row.total);
      // The first look only learns where the counter stands: earlier push-backs are history.
      const others = mine ? total - mine.total - own : 0;
      // Each push-back anywhere halves every limiter of the endpoint, as it halves one process's.
      for (let i = 0; i < Math.min(others, 8); i++) limiter.backOff();
      limiter.share(row.live);
      known.set(endpoint, { sent: (mine?.sent ?? 0) + own, total });
    }
  };
  const sync = () => {
    running ??= once()
      .catch((error) => options.onError?.(error))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => void sync(), options.intervalMs ?? SYNC_MS);
  timer.unref();
  return {
    sync,
    async stop() {
      clearInterval(timer);
      await running;
      await db
        .executeSql(
          `DELETE FROM ${s}.assay_worker_beats WHERE id = $1 OR seen_at < now() - interval '1 hour'`,
          [id],
        )
        .catch((error) => options.onError?.(error));
    },
  };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
