import { describe, expect, it } from 'vitest';
import { migrate } from '../src/store/migrations.js';
import { openPostgresStore } from '../src/store/postgres.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { freshSchema, PG_URL, pgExec, probePostgres } from './helpers/postgres.js';
import { storeContract } from './helpers/store-contract.js';
import { tempDir } from './helpers/suite.js';

storeContract('SQLite (temp file)', async () => {
  const { dir, cleanup } = tempDir('assay-store-');
  const file = `${dir}/assay.db`;
  return { open: () => openSqliteStore(file), cleanup: async () => cleanup() };
});

describe('SQLite migrations', () => {
  it('are idempotent: a second open applies nothing and keeps the data', async () => {
    const { dir, cleanup } = tempDir('assay-store-');
    try {
      const first = await openSqliteStore(`${dir}/a.db`);
      await first.saveArtifact('r', 'k', 1);
      expect(await migrate(first.db, 'sqlite')).toEqual([]);
      await first.close();
      const second = await openSqliteStore(`${dir}/a.db`);
      expect(await migrate(second.db, 'sqlite')).toEqual([]);
      expect(await second.artifacts('r')).toHaveLength(1);
      await second.close();
    } finally {
      cleanup();
    }
  });

  it('a new file gets 8 KiB pages; a file made with other pages keeps them and opens as before', async () => {
    const { dir, cleanup } = tempDir('assay-store-');
    try {
      const fresh = await openSqliteStore(`${dir}/new.db`);
      expect(fresh.sqlite.pragma('page_size', { simple: true })).toBe(8192);
      await fresh.close();
      const { default: Sqlite } = await import('better-sqlite3');
      const old = new Sqlite(`${dir}/old.db`);
      old.pragma('page_size = 4096');
      old.exec('CREATE TABLE made_before (x)');
      old.close();
      const reopened = await openSqliteStore(`${dir}/old.db`);
      expect(reopened.sqlite.pragma('page_size', { simple: true })).toBe(4096);
      await reopened.saveArtifact('r', 'k', 1);
      expect(await reopened.artifacts('r')).toHaveLength(1);
      await reopened.close();
    } finally {
      cleanup();
    }
  });
});

// PostgreSQL: CI starts a server, so there an unreachable one fails the suite; on a laptop without
// one, the suite is skipped with a message saying how to point it at a server.
const probe = await probePostgres();
const pgMissing = probe.ok
  ? ''
  : `PostgreSQL is not reachable at ${PG_URL} (${probe.why}); set ASSAY_TEST_PG_URL`;
if (pgMissing) process.stderr.write(`\n*** ${pgMissing} ***\n\n`);

describe.runIf(!pgMissing || process.env.CI)('PostgreSQL', () => {
  it('is reachable', () => {
    expect(pgMissing, pgMissing).toBe('');
  });

  if (pgMissing) return;

  storeContract('PostgreSQL (fresh schema)', async () => {
    const schema = freshSchema();
    return {
      open: () => openPostgresStore(PG_URL, { schema }),
      cleanup: () => pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`),
    };
  });

  it('migrations are idempotent and stay inside their schema', async () => {
    const schema = freshSchema();
    try {
      const first = await openPostgresStore(PG_URL, { schema });
      expect(await migrate(first.db, 'postgres')).toEqual([]);
      await first.createRun({
        id: 'pg-mig',
        createdAt: new Date().toISOString(),
        status: 'running',
        configHash: 'c',
        provenance: {} as never,
      });
      await first.close();
      const second = await openPostgresStore(PG_URL, { schema });
      expect(await migrate(second.db, 'postgres')).toEqual([]);
      expect((await second.getRun('pg-mig'))?.id).toBe('pg-mig');
      await second.close();
      // Another schema sees none of it.
      const other = freshSchema();
      const elsewhere = await openPostgresStore(PG_URL, { schema: other });
      expect(await elsewhere.getRun('pg-mig')).toBeUndefined();
      await elsewhere.close();
      await pgExec(`DROP SCHEMA IF EXISTS "${other}" CASCADE`);
    } finally {
      await pgExec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  });
});
