import type PgBoss from 'pg-boss';
import { connectAs } from '../store/postgres.js';
import { importOptional } from '../util/optional-package.js';
import { sharedLimitTablesSql } from './shared-limits.js';

/** The pg-boss queue that carries evaluation work items. */
export const EVAL_QUEUE = 'assay-eval';

/** One job: a chunk of one run's cases, every target and repeat of each. */
export interface EvalJob {
  runId: string;
  caseIds: string[];
}

/**
 * A job whose worker died is handed out again once it expires: short (not pg-boss's 15 minutes),
 * and checked every few seconds, so a dead worker's chunk is retried within a minute.
 */
export const DEFAULT_JOB_EXPIRY_SECONDS = 45;
const MAINTENANCE_SECONDS = 5;

/** The schema of the queue's tables (pg-boss's and the workers' shared limits). */
export function queueSchema(env: Record<string, string | undefined>): string {
  return env.ASSAY_QUEUE_SCHEMA || 'assay_queue';
}

/**
 * Starts pg-boss on the store's PostgreSQL, in its own schema (`ASSAY_QUEUE_SCHEMA`, default
 * `assay_queue`), with the evaluation queue created. pg-boss is an optional peer, loaded here only.
 */
export async function openQueue(
  url: string,
  env: Record<string, string | undefined> = process.env,
): Promise<PgBoss> {
  const { default: Boss } = await importOptional('pg-boss', () => import('pg-boss'));
  // Several processes starting together race on pg-boss's schema set-up (deadlocks, duplicate
  // keys): the loser starts again once the winner is done.
  for (let attempt = 1; ; attempt++) {
    const boss = new Boss({
      connectionString: connectAs(url, env).url,
      schema: queueSchema(env),
      max: 4,
      maintenanceIntervalSeconds: MAINTENANCE_SECONDS,
      monitorStateIntervalSeconds: 10,
    });
    boss.on('error', (error) => process.stderr.write(`assay: queue: ${(error as Error).message}\n`));
    try {
      await boss.start();
      if (!(await boss.getQueue(EVAL_QUEUE))) {
        await boss.createQueue(EVAL_QUEUE, {
          name: EVAL_QUEUE,
          retryLimit: 20,
          retryDelay: 1,
          expireInSeconds: DEFAULT_JOB_EXPIRY_SECONDS,
        });
      }
      await boss.getDb().executeSql(sharedLimitTablesSql(queueSchema(env)), []);
      return boss;
    } catch (error) {
      await boss.stop({ graceful: false, wait: true, timeout: 1000 }).catch(() => {});
      const code = (error as { code?: string }).code;
      if (attempt >= 5 || (code !== '40P01' && code !== '23505')) throw error;
      await new Promise((done) => setTimeout(done, 200 * attempt + Math.random() * 300));
    }
  }
}
