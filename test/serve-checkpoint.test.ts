import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listeningOn, type RunningCli, spawnCli } from './helpers/cli.js';
import { hex, otlpJson } from './helpers/otlp.js';
import { tempDir } from './helpers/suite.js';

/**
 * `assay serve` on SQLite checkpoints the WAL off the commits' thread (src/store/sqlite-checkpointer.ts):
 * on its decoding thread, or on a thread of its own with none (`--threads 0`), and raises the commits'
 * own checkpoint to a 160 MB backstop: the database file must still receive the committed pages while
 * the server runs, long before the WAL reaches the backstop.
 */

const dirs: { cleanup(): void }[] = [];
const servers: RunningCli[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.child.kill('SIGKILL');
  for (const d of dirs.splice(0)) d.cleanup();
});

describe('assay serve on SQLite', () => {
  it.each([
    ['on its decoding thread', []],
    ['on a thread of its own with no decoding thread', ['--threads', '0']],
  ])('checkpoints the WAL into the database file while it ingests, %s', async (_, args) => {
    const dir = tempDir('assay-checkpoint-');
    dirs.push(dir);
    const cli = spawnCli(['serve', '--port', '0', '--db', 'assay.db', ...args], {
      cwd: dir.dir,
      timeoutMs: 120_000,
    });
    servers.push(cli);
    const { url, key } = await listeningOn(cli, true);
    const db = join(dir.dir, 'assay.db');
    const before = statSync(db).size;
    // ~12 MB of spans (1,500 pages of WAL at least), far under the 160 MB backstop.
    const text = 'x'.repeat(1000);
    for (let r = 0; r < 12; r++) {
      const spans = Array.from({ length: 1000 }, (_, i) => ({
        traceId: hex(r * 1000 + i + 1, 16),
        spanId: hex(1, 8),
        name: 'chat',
        attributes: { 'gen_ai.request.model': 'm', 'input.value': text },
      }));
      const res = await fetch(`${url}/v1/traces`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(otlpJson(spans)),
      });
      expect(res.status).toBe(200);
    }
    let size = statSync(db).size;
    for (let waited = 0; size < before + 10_000_000 && waited < 10_000; waited += 50) {
      await new Promise((r) => setTimeout(r, 50));
      size = statSync(db).size;
    }
    expect(size).toBeGreaterThan(before + 10_000_000);
    cli.child.kill('SIGTERM');
    expect((await cli.done).code).toBe(0);
  });
});
