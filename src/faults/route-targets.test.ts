import { describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { parseFaultSpec } from './fault-spec.js';
import { routeThroughFaults } from './route-targets.js';

function loaded(targets: unknown[]): LoadedConfig {
  const config = { dataset: 'x.jsonl', targets, evaluators: [], gates: {} } as unknown as Config;
  return { config, file: '/tmp/assay.yaml', baseDir: '/tmp', hash: 'h' };
}

describe('routeThroughFaults', () => {
  it('points each HTTP-based target at one proxy per origin and leaves the rest, saying why', async () => {
    const routing = await routeThroughFaults(
      loaded([
        { id: 'app', provider: 'http', url: 'http://localhost:3000/ask?x=1', method: 'POST' },
        { id: 'app2', provider: 'http', url: 'http://localhost:3000/other', method: 'POST' },
        { id: 'vllm', provider: 'openai:m', baseURL: 'http://10.0.0.5:8000/v1' },
        { id: 'gpt', provider: 'openai:gpt-4o-mini' },
        { id: 'fn', provider: 'function', module: './app.mjs#answer' },
        { id: 'tpl', provider: 'http', url: 'http://{{ host }}/ask', method: 'POST' },
      ]),
      parseFaultSpec('error=500@5%'),
    );
    try {
      const [app, app2, vllm, gpt, fn, tpl] = routing.loaded.config.targets as unknown as Record<
        string,
        string
      >[];
      expect(routing.proxies).toHaveLength(3);
      const proxyOf = (upstream: string) => routing.proxies.find((p) => p.upstream === upstream)!.url;
      expect(app!.url).toBe(`${proxyOf('http://localhost:3000')}/ask?x=1`);
      expect(app2!.url).toBe(`${proxyOf('http://localhost:3000')}/other`);
      expect(vllm!.baseURL).toBe(`${proxyOf('http://10.0.0.5:8000')}/v1`);
      expect(gpt!.baseURL).toBe(`${proxyOf('https://api.openai.com')}/v1`);
      expect(fn).toEqual({ id: 'fn', provider: 'function', module: './app.mjs#answer' });
      expect(tpl!.url).toBe('http://{{ host }}/ask');
      expect(routing.skipped).toEqual([
        'fn: a function target makes no HTTP call Assay can see',
        'tpl: its host is not a fixed http(s) origin (http://{{ host }}/ask)',
      ]);
      expect(routing.unproxy([{ id: 'app', url: app!.url }, { endpoint: vllm!.baseURL }])).toEqual([
        { id: 'app', url: 'http://localhost:3000/ask?x=1' },
        { endpoint: 'http://10.0.0.5:8000/v1' },
      ]);
      expect(routing.loaded.hash).toBe('h');
    } finally {
      await routing.close();
    }
  });
});
