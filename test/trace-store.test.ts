import { describe } from 'vitest';
import { openPostgresStore } from '../src/store/postgres.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { traceStoreOn } from '../src/store/trace-store.js';
import { freshSchema, PG_URL, pgExec, probePostgres } from './helpers/postgres.js';
import { tempDir } from './helpers/suite.js';
import { traceStoreContract } from './helpers/trace-store-contract.js';

traceStoreContract('SQLite (temp file)', async () => {
  const { dir, cleanup } = tempDir('assay-traces-');
  return {
    open: async () => traceStoreOn(await openSqliteStore(`${dir}/assay.db`)),
    cleanup: async () => cleanup(),
  };
});

const probe = await probePostgres();
describe.runIf(probe.ok || process.env.CI)('PostgreSQL', () => {
  traceStoreContract('PostgreSQL (fresh schema)', async () => {
    const schema = freshSchema();
    return {
      open: async () => traceStoreOn(await openPostgresStore(PG_URL, { schema })),
      cleanup: () => pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`),
    };
  });
});
