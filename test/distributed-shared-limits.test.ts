import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedLimitTablesSql, startSharedLimits } from '../src/distributed/shared-limits.js';
import { AdaptiveLimiter } from '../src/runner/limiter.js';
import { freshSchema, PG_URL, pgExec, probePostgres } from './helpers/postgres.js';

const probe = await probePostgres();
// An endpoint key as a provider with credentials in its base URL makes it (`family@baseURL`).
const ENDPOINT = 'openai@https://bot:hunter2@llm.internal/v1?api-key=sk-live-123456';

describe.runIf(probe.ok || process.env.CI)('shared rate limits on PostgreSQL', () => {
  const schema = freshSchema('assay_dsl');
  let pool: pg.Pool;
  const db = { executeSql: (text: string, values?: unknown[]) => pool.query(text, values) };

  beforeAll(async () => {
    await pgExec(`CREATE SCHEMA "${schema}"; ${sharedLimitTablesSql(schema)}`);
    pool = new pg.Pool({ connectionString: PG_URL, max: 2 });
  });
  afterAll(async () => {
    await pool?.end();
    await pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

  it("keeps an endpoint's credentials out of the table, and one worker's push-backs halve the other's limiter", async () => {
    const mine = new AdaptiveLimiter(16);
    const theirs = new AdaptiveLimiter(16);
    const a = startSharedLimits(db, schema, new Map([[ENDPOINT, mine]]), { intervalMs: 60_000 });
    const b = startSharedLimits(db, schema, new Map([[ENDPOINT, theirs]]), { intervalMs: 60_000 });
    try {
      await a.sync();
      await b.sync();
      for (let i = 0; i < 3; i++) mine.onRateLimited();
      await a.sync();
      const before = theirs.current;
      await b.sync();
      expect(theirs.current).toBeLessThan(before);
      const { rows } = await pool.query(`SELECT endpoint FROM "${schema}".assay_endpoint_push_backs`);
      expect(rows).toHaveLength(1);
      const stored = String(rows[0].endpoint);
      expect(stored).toContain('llm.internal');
      expect(stored).not.toContain('hunter2');
      expect(stored).not.toContain('sk-live-123456');
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
