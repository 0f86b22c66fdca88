import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCli, runCli, spawnCli } from './helpers/cli.js';
import { tempDir } from './helpers/suite.js';

/** `assay keys` and `assay traces` against the store of a running `assay serve`. */

const dir = tempDir('assay-serve-cli-');
let server: RunningCli;
let url: string;
let firstKey: string;

beforeAll(async () => {
  server = spawnCli(['serve', '--port', '0', '--db', 'assay.db'], { cwd: dir.dir, timeoutMs: 120_000 });
  for (;;) {
    const out = server.stdout();
    const m = /^assay: listening on (http:\/\/\S+)\n[^\n]*\n {2}(assay_\S+)\n/.exec(out);
    if (m) {
      url = m[1]!;
      firstKey = m[2]!;
      break;
    }
    if (server.child.exitCode !== null) throw new Error(server.stderr());
    await new Promise((r) => setTimeout(r, 20));
  }
});
afterAll(async () => {
  server.child.kill('SIGTERM');
  await server.done;
  dir.cleanup();
});

const cli = (args: string[]) => runCli([...args, '--db', 'assay.db'], { cwd: dir.dir });
const traces = (key: string) => fetch(`${url}/api/v1/traces`, { headers: { 'x-api-key': key } });

describe('assay keys while the server runs', () => {
  it('a created key works at once, a revoked one stops at once; list never shows a key', async () => {
    const created = await cli(['keys', 'create', '--project', 'checkout']);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^assay_[A-Za-z0-9_-]{40,}$/);
    expect((await traces(token)).status).toBe(200);
    const list = await cli(['keys', 'list', '--json']);
    const keys = JSON.parse(list.stdout) as { id: string; project: string; revokedAt: string | null }[];
    expect(keys.map((k) => k.project).sort()).toEqual(['checkout', 'default']);
    expect(list.stdout).not.toContain(token);
    expect(list.stdout).not.toContain(firstKey);
    const id = keys.find((k) => k.project === 'checkout')!.id;
    expect((await cli(['keys', 'revoke', id])).code).toBe(0);
    expect((await traces(token)).status).toBe(401);
    expect((await cli(['keys', 'revoke', id])).code).toBe(2);
    expect((await traces(firstKey)).status).toBe(200);
    expect(server.stdout() + server.stderr()).not.toContain(token);
  });
});

describe('assay traces', () => {
  it('lists the newest traces and shows one with its spans', async () => {
    const res = await fetch(`${url}/api/v1/ingest`, {
      method: 'POST',
      headers: { 'x-api-key': firstKey, 'content-type': 'application/json' },
      body: JSON.stringify({
        events: [
          {
            type: 'generation',
            id: 'cli-1',
            traceId: 'cli-trace',
            model: 'gpt-4o-mini',
            input: 'Where is my parcel?',
            output: 'On its way.',
            usage: { inputTokens: 5, outputTokens: 3 },
            latencyMs: 300,
          },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const list = await cli(['traces', '--since', '1h', '--json']);
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { traceId: string }[]).map((t) => t.traceId)).toEqual(['cli-trace']);
    const table = await cli(['traces']);
    expect(table.stdout).toMatch(/cli-trace .*gpt-4o-mini/);
    const show = await cli(['traces', 'show', 'cli-trace']);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain('llm generation gpt-4o-mini tokens 5→3 300 ms');
    expect(show.stdout).toContain('> user: Where is my parcel?');
    expect(show.stdout).toContain('< assistant: On its way.');
    expect((await cli(['traces', 'show', 'nope'])).code).toBe(2);
    const json = await runCli(['traces', 'show', '--json', 'cli-trace', '--db', 'assay.db'], {
      cwd: dir.dir,
    });
    expect((JSON.parse(json.stdout) as { spans: { outputText: string }[] }).spans[0]!.outputText).toBe(
      'On its way.',
    );
  });
});
