import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIngestConfig } from '../src/config/load-ingest.js';
import { createApiKey } from '../src/monitor/api-keys.js';
import { startServer } from '../src/server/main.js';

type Server = Awaited<ReturnType<typeof startServer>>;
const OPENAI_KEY = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123';
const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => s.close())));

async function serverWith(ingest: { redact: ('pii' | 'secrets')[]; content: boolean }) {
  const server = await startServer({ host: '127.0.0.1', port: 0, db: ':memory:', print: () => {}, ingest });
  servers.push(server);
  const key = (await createApiKey(server.store, 'p')).token;
  const post = (path: string, body: unknown) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const trace = async (id: string) =>
    (await (await fetch(`${server.url}/api/v1/traces/${id}`, { headers: { 'x-api-key': key } })).json()) as {
      spans: {
        input: { content: string }[];
        output: { content: string }[];
        model: string;
        usage?: unknown;
      }[];
      feedback: { comment: string | null; correction: string | null }[];
    };
  return { server, post, trace };
}

const event = {
  type: 'generation',
  id: 'g1',
  traceId: 'g1',
  model: 'gpt-4o',
  input: `Mail john.doe@example.com, my key is ${OPENAI_KEY}`,
  output: 'Done, I wrote to john.doe@example.com.',
  usage: { inputTokens: 20, outputTokens: 9 },
};

describe('ingest privacy', () => {
  let redacting: Awaited<ReturnType<typeof serverWith>>;
  beforeAll(async () => {
    redacting = await serverWith({ redact: ['pii', 'secrets'], content: true });
  });

  it('redact: [pii, secrets] masks messages and feedback before they are stored', async () => {
    expect((await redacting.post('/api/v1/ingest', { events: [event] })).status).toBe(200);
    await redacting.post('/api/v1/feedback', {
      traceId: 'g1',
      value: -1,
      comment: 'reach me at jane@example.org',
      correction: 'no',
    });
    const t = await redacting.trace('g1');
    expect(t.spans[0]!.input[0]!.content).toBe('Mail [pii.email], my key is [secret.openai]');
    expect(t.spans[0]!.output[0]!.content).toBe('Done, I wrote to [pii.email].');
    expect(t.feedback[0]!.comment).toBe('reach me at [pii.email]');
    // Nothing unredacted anywhere in the store: the native event as received is masked too.
    const stored = JSON.stringify(
      await redacting.server.store.getTrace(
        (await redacting.server.store.listProjects()).find((p) => p.name === 'p')!.id,
        'g1',
      ),
    );
    expect(stored).not.toContain('john.doe@example.com');
    expect(stored).not.toContain(OPENAI_KEY);
  });

  it('content: false keeps metadata only', async () => {
    const meta = await serverWith({ redact: [], content: false });
    expect((await meta.post('/api/v1/ingest', { events: [event] })).status).toBe(200);
    await meta.post('/api/v1/feedback', { traceId: 'g1', value: 1, comment: 'great', correction: 'x' });
    const t = await meta.trace('g1');
    expect(t.spans[0]!.model).toBe('gpt-4o');
    expect(t.spans[0]!.input).toEqual([]);
    expect(t.spans[0]!.output).toEqual([]);
    expect(JSON.stringify(t)).toContain('20');
    expect(JSON.stringify(t)).not.toContain('john.doe');
    expect(t.feedback[0]!.comment).toBe('');
  });

  it('reads the ingest: section of a config file, naming a bad field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assay-ingest-'));
    writeFileSync(join(dir, 'ok.yaml'), 'ingest:\n  redact: [pii]\n');
    expect(await loadIngestConfig(join(dir, 'ok.yaml'))).toEqual({ redact: ['pii'], content: true });
    writeFileSync(join(dir, 'bad.yaml'), 'ingest:\n  redact: [emails]\n');
    await expect(loadIngestConfig(join(dir, 'bad.yaml'))).rejects.toMatchObject({
      field: expect.stringMatching(/^ingest\.redact/),
      line: 2,
    });
  });
});
