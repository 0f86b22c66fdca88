import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Sqlite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { convertOtlp } from '../src/monitor/otlp/convert.js';
import { ConvertPool } from '../src/monitor/otlp/convert-pool.js';
import { everyShape, otlpJson } from './helpers/otlp.js';
import { tempDir } from './helpers/suite.js';
import { until } from './helpers/until.js';

/**
 * Where `assay serve` checkpoints a SQLite store's WAL (src/store/sqlite-checkpointer.ts): on the
 * decoding thread when there is one, else on a thread of its own. Compiled workers (test/global-setup.ts
 * builds dist/ first): a checkpointer imported from the sources starts no thread of its own.
 */
const compiled = fileURLToPath(new URL('../dist/monitor/otlp/convert-worker.js', import.meta.url));
const crashing = fileURLToPath(new URL('./fixtures/crashing-convert-worker.mjs', import.meta.url));
const compiledCheckpointer = new URL('../dist/store/sqlite-checkpointer.js', import.meta.url).href;
const request = new TextEncoder().encode(JSON.stringify(otlpJson(everyShape('f1', 'a'))));
const job = () => ({ body: request.slice(), protobuf: false, projectId: 'p', nowMs: 1_733_380_000_000 });

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** A WAL database that never checkpoints by itself, with ~8 MB of committed pages in its WAL. */
function walDatabase() {
  const dir = tempDir('assay-wal-');
  const file = join(dir.dir, 'wal.db');
  const db = new Sqlite(file);
  cleanups.push(() => {
    db.close();
    dir.cleanup();
  });
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE t (x TEXT)');
  const insert = db.prepare('INSERT INTO t VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < 2000; i++) insert.run(`${i}`.padEnd(4000, 'x'));
  })();
  const size = () => statSync(file).size;
  return { db, file, size, before: size() };
}

describe('WAL checkpoints', () => {
  it('a decoding thread checkpoints the WAL into the file between the bodies it converts', async () => {
    const wal = walDatabase();
    const pool = new ConvertPool(1, { workerFile: compiled });
    let lost = 0;
    expect(pool.checkpoint(wal.file, 20, () => lost++)).toBe(true);
    await until('the WAL copied into the file', async () => wal.size() > wal.before + 7_000_000, 10_000);
    expect(wal.size()).toBeGreaterThan(wal.before + 7_000_000);
    const plain = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;
    expect(plain(await pool.convert(job()))).toEqual(plain(convertOtlp(job())));
    // Its connection closes before the thread does; it is not "lost" for closing.
    await pool.close();
    expect(lost).toBe(0);
    expect(wal.db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 2000 });
  });

  it('a pool without a thread does not take the checkpoints', () => {
    expect(new ConvertPool(0).checkpoint('unused.db', 20, () => {})).toBe(false);
  });

  it('the checkpointer starts no thread of its own while threads take the checkpoints, and one when they are lost', async () => {
    const { startCheckpointer } = (await import(
      compiledCheckpointer
    )) as typeof import('../src/store/sqlite-checkpointer.js');
    const wal = walDatabase();
    // Threads that take the checkpoints and never run one: only a thread of the checkpointer's would.
    let lose: () => void = () => {};
    const threads = {
      checkpoint: (_file: string, _intervalMs: number, lost: () => void) => {
        lose = lost;
        return true;
      },
    };
    const checkpointer = startCheckpointer(wal.db, { threads, intervalMs: 20 });
    await new Promise((r) => setTimeout(r, 300));
    expect(wal.size()).toBe(wal.before);
    lose();
    await until('the WAL copied into the file', async () => wal.size() > wal.before + 7_000_000, 10_000);
    expect(wal.size()).toBeGreaterThan(wal.before + 7_000_000);
    await checkpointer!.stop();
  });

  it('the checkpointer leaves them to the decoding thread, and checkpoints on a thread of its own once none is left', async () => {
    const { startCheckpointer } = (await import(
      compiledCheckpointer
    )) as typeof import('../src/store/sqlite-checkpointer.js');
    const wal = walDatabase();
    // A thread that stops on its first message, here the one that tells it to checkpoint.
    const pool = new ConvertPool(1, { workerFile: crashing, maxRestarts: 0 });
    const checkpointer = startCheckpointer(wal.db, { threads: pool, intervalMs: 20 });
    expect(checkpointer).toBeDefined();
    // The commits' own checkpoint is a backstop while the checkpoints run elsewhere.
    expect(wal.db.pragma('wal_autocheckpoint', { simple: true })).toBe(20_000);
    await until('the WAL copied into the file', async () => wal.size() > wal.before + 7_000_000, 10_000);
    expect(pool.threads).toBe(0);
    expect(wal.size()).toBeGreaterThan(wal.before + 7_000_000);
    await checkpointer!.stop();
    expect(wal.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await pool.close();
  });
});
