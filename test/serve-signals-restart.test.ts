import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listeningOn, type RunningCli, spawnCli } from './helpers/cli.js';
import { tempDir } from './helpers/suite.js';

/** Abandonment after a restart: what the sweep waited for is rebuilt from the store on start. */

const dir = tempDir('assay-signals-restart-');
afterAll(() => dir.cleanup());

// A timeout of 3 s: short enough to wait for, long enough for a session to be ingested and the
// server stopped before it passes.
writeFileSync(join(dir.dir, 'serve.yaml'), 'ingest:\n  signals:\n    abandonMinutes: 0.05\n');

/** Starts the server; the first start on the empty store prints its key on the lines after the URL. */
async function start(first: boolean): Promise<{ server: RunningCli; url: string; key: string | undefined }> {
  const server = spawnCli(['serve', '--port', '0', '--db', 'assay.db', '-c', 'serve.yaml'], {
    cwd: dir.dir,
    timeoutMs: 120_000,
  });
  return { server, ...(await listeningOn(server, first)) };
}

async function stop(server: RunningCli): Promise<void> {
  server.child.kill('SIGTERM');
  expect((await server.done).code).toBe(0);
}

const generation = (id: string, sessionId: string) => ({
  type: 'generation',
  id,
  traceId: id,
  sessionId,
  timestamp: new Date().toISOString(),
  latencyMs: 100,
  model: 'gpt-4o',
  input: 'Where is my order?',
  output: 'It ships tomorrow.',
});

async function kinds(url: string, key: string, traceId: string): Promise<string[]> {
  const res = await fetch(`${url}/api/v1/traces/${traceId}`, { headers: { 'x-api-key': key } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { signals: { kind: string }[] }).signals.map((s) => s.kind).sort();
}

describe('signals across a restart', () => {
  it('a session waiting for its timeout when the server stopped is marked abandoned after the restart', async () => {
    const first = await start(true);
    const key = first.key!;
    const res = await fetch(`${first.url}/api/v1/ingest`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ events: [generation('rs-live', 'sess-live')] }),
    });
    expect(res.status).toBe(200);
    // Stopped right away: the session's timeout has not passed, nothing says it was abandoned.
    await stop(first.server);

    const second = await start(false);
    try {
      expect(second.key).toBeUndefined();
      // No new traffic: only the restored sweep can mark it (the test's timeout bounds the wait).
      for (;;) {
        const now = await kinds(second.url, key, 'rs-live');
        if (now.includes('abandoned')) {
          expect(now).toEqual(['abandoned', 'time_to_completion_ms', 'turns']);
          break;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      await stop(second.server);
    }
  }, 60_000);
});
