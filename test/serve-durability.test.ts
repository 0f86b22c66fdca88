import { afterEach, describe, expect, it } from 'vitest';
import { listeningOn, type RunningCli, runCli, spawnCli } from './helpers/cli.js';
import { hex, otlpProtobuf } from './helpers/otlp.js';
import { tempDir } from './helpers/suite.js';

/** The real CLI server, killed and restarted: a 2xx means committed. */

const dirs: { cleanup(): void }[] = [];
const servers: RunningCli[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.child.kill('SIGKILL');
  for (const d of dirs.splice(0)) d.cleanup();
});

async function startServe(
  cwd: string,
  extra: string[] = [],
  newStore = true,
): Promise<{ cli: RunningCli; url: string; key?: string }> {
  const cli = spawnCli(['serve', '--port', '0', '--db', 'assay.db', ...extra], { cwd, timeoutMs: 120_000 });
  servers.push(cli);
  return { cli, ...(await listeningOn(cli, newStore)) };
}

async function allTraceIds(url: string, key: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let cursor = '';
  for (;;) {
    const res = await fetch(`${url}/api/v1/traces?from=0&limit=1000${cursor ? `&cursor=${cursor}` : ''}`, {
      headers: { 'x-api-key': key },
    });
    const page = (await res.json()) as { traces: { traceId: string }[]; nextCursor: string | null };
    for (const t of page.traces) ids.add(t.traceId);
    if (!page.nextCursor) return ids;
    cursor = page.nextCursor;
  }
}

describe('assay serve under kill -9', () => {
  it('every acknowledged event and span is stored after a kill -9 and a restart', async () => {
    const dir = tempDir('assay-kill-');
    dirs.push(dir);
    // Two decoding threads here, none on restart: both ingest paths are killed and checked.
    const first = await startServe(dir.dir, ['--threads', '2']);
    const key = first.key!;
    expect(key).toMatch(/^assay_/);
    const acked: string[] = [];
    let stop = false;
    let n = 0;
    const client = async (c: number) => {
      while (!stop) {
        const batch = Array.from({ length: 20 }, () => n++);
        try {
          let res: Response;
          if (c % 2 === 0) {
            const events = batch.map((i) => ({
              type: 'generation',
              id: `ev-${i}`,
              model: 'gpt-4o-mini',
              input: `q ${i}`,
              output: `a ${i}`,
            }));
            res = await fetch(`${first.url}/api/v1/ingest`, {
              method: 'POST',
              headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
              body: JSON.stringify({ events }),
            });
            if (res.status === 200) acked.push(...batch.map((i) => `ev-${i}`));
          } else {
            const spans = batch.map((i) => ({
              traceId: hex(i + 1, 16),
              spanId: hex(1, 8),
              name: `span ${i}`,
              attributes: { 'gen_ai.request.model': 'm' },
            }));
            res = await fetch(`${first.url}/v1/traces`, {
              method: 'POST',
              headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-protobuf' },
              body: otlpProtobuf(spans),
            });
            if (res.status === 200) acked.push(...batch.map((i) => hex(i + 1, 16)));
          }
        } catch {
          // The server died under this request: it was never acknowledged.
        }
      }
    };
    const clients = [0, 1, 2, 3].map(client);
    while (acked.length < 2000) await new Promise((r) => setTimeout(r, 10));
    first.cli.child.kill('SIGKILL');
    await first.cli.done;
    stop = true;
    await Promise.all(clients);

    const second = await startServe(dir.dir, ['--threads', '0'], false);
    await new Promise((r) => setTimeout(r, 100));
    expect(second.cli.stdout()).not.toContain('created project'); // the store has its project: no new key
    const stored = await allTraceIds(second.url, key);
    const lost = acked.filter((id) => !stored.has(id));
    expect(lost).toEqual([]);
    second.cli.child.kill('SIGTERM');
    const exit = await second.cli.done;
    expect(exit.code).toBe(0);
  });

  it('offered more than it can queue, it answers 503 with Retry-After and loses nothing it acknowledged', async () => {
    const dir = tempDir('assay-overload-');
    dirs.push(dir);
    // A queue smaller than one batch: a batch is taken only into an empty queue, so any request that
    // arrives while another waits for its commit is refused.
    const server = await startServe(dir.dir, ['--queue-size', '100']);
    const key = server.key!;
    const acked: string[] = [];
    const retryAfter = new Set<string | null>();
    let refused = 0;
    let next = 0;
    const statuses: number[] = [];
    const client = async () => {
      for (let r = 0; r < 6; r++) {
        const t = next++;
        const spans = Array.from({ length: 512 }, (_, s) => ({
          traceId: hex(0x10000 + t, 16),
          spanId: hex(s + 1, 8),
          name: 'chat',
          attributes: { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.input.messages': 'x'.repeat(1000) },
        }));
        const res = await fetch(`${server.url}/v1/traces`, {
          method: 'POST',
          headers: { 'x-api-key': key, 'content-type': 'application/x-protobuf' },
          body: otlpProtobuf(spans),
        });
        await res.arrayBuffer();
        statuses.push(res.status);
        if (res.status === 200) acked.push(hex(0x10000 + t, 16));
        else {
          expect(res.status, await server.cli.stderr()).toBe(503);
          retryAfter.add(res.headers.get('retry-after'));
          refused += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, client));
    expect(refused, `statuses: ${statuses.join(' ')}`).toBeGreaterThan(0);
    expect([...retryAfter]).toEqual(['1']);
    expect(acked.length).toBeGreaterThan(0);
    const stored = await allTraceIds(server.url, key);
    expect(acked.filter((id) => !stored.has(id))).toEqual([]);
    const keys = await runCli(['keys', 'list', '--db', 'assay.db', '--json'], { cwd: dir.dir });
    expect(keys.stdout).not.toContain(key);
  });
});
