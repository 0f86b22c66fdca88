import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { judgeEndpoints, probeJudges } from './judge-probe.js';

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('judgeEndpoints', () => {
  it('collects baseURLs from evaluators, nested ones and the top-level judge, with their users', () => {
    const local = { provider: 'openai:m', baseURL: 'http://127.0.0.1:1/v1' };
    expect(
      judgeEndpoints({
        judge: local,
        evaluators: [
          { type: 'rubric', judge: local },
          { type: 'factuality' },
          {
            type: 'all',
            evaluators: [{ type: 'pairwise', name: 'vs-baseline', judge: [local, 'openai:gpt-4o'] }],
          },
          { type: 'contains', value: 'x' },
        ],
      }),
    ).toEqual([{ baseURL: 'http://127.0.0.1:1/v1', evaluators: ['rubric', 'factuality', 'vs-baseline'] }]);
    expect(judgeEndpoints({ evaluators: [{ type: 'rubric', judge: 'openai:gpt-4o' }] })).toEqual([]);
  });
});

describe('probeJudges', () => {
  it('a server that answers anything (even 404) is there', async () => {
    const server = http.createServer((_, res) => res.writeHead(404).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
      await expect(
        probeJudges({ evaluators: [{ type: 'rubric', judge: { provider: 'openai:m', baseURL } }] }),
      ).resolves.toBeUndefined();
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('no server: a provider.network error that says what is needed', async () => {
    const baseURL = `http://127.0.0.1:${await closedPort()}/v1`;
    const failure = probeJudges({
      evaluators: [{ type: 'rubric', judge: { provider: 'openai:m', baseURL } }],
    });
    await expect(failure).rejects.toMatchObject({ code: 'provider.network' });
    await expect(failure).rejects.toThrow(
      `no judge answers at ${baseURL} (ECONNREFUSED): rubric needs an OpenAI-compatible judge server there`,
    );
  });
});
