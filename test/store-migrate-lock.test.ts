import { describe, expect, it } from 'vitest';
import { openPostgresStore } from '../src/store/postgres.js';
import { freshSchema, PG_URL, pgExec, probePostgres } from './helpers/postgres.js';

const probe = await probePostgres();

describe.runIf(probe.ok || process.env.CI)(
  'PostgreSQL migrations with several instances starting together',
  () => {
    it('run once under an advisory lock: every instance opens, each migration is recorded once', async () => {
      const schema = freshSchema();
      try {
        const stores = await Promise.all(
          Array.from({ length: 6 }, () => openPostgresStore(PG_URL, { schema })),
        );
        const [first] = stores;
        if (!first) throw new Error('no store');
        const rows = await first.db.selectFrom('assay_migrations').select('name').execute();
        const names = rows.map((r) => r.name);
        expect(new Set(names).size).toBe(names.length);
        expect(names).toContain('001_init');
        await Promise.all(stores.map((s) => s.close()));
      } finally {
        await pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      }
    });
  },
);
