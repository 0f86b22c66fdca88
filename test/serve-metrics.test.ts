import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/monitor/api-keys.js';
import { startServer } from '../src/server/main.js';

let server: Awaited<ReturnType<typeof startServer>>;
let keyA: string;
let keyB: string;

beforeAll(async () => {
  server = await startServer({ host: '127.0.0.1', port: 0, db: ':memory:', print: () => {} });
  keyA = (await createApiKey(server.store, 'alpha')).token;
  keyB = (await createApiKey(server.store, 'beta')).token;
});
afterAll(() => server.close());

const gen = (id: string, model: string, latencyMs: number, extra: Record<string, unknown> = {}) => ({
  type: 'generation',
  id,
  model,
  input: 'q',
  output: 'a',
  latencyMs,
  usage: { inputTokens: 10, outputTokens: 4 },
  tags: { segment: 'billing' },
  ...extra,
});

const ingest = (key: string, events: unknown[]) =>
  fetch(`${server.url}/api/v1/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ events }),
  });

const scrape = async (key?: string) =>
  fetch(`${server.url}/metrics`, key ? { headers: { authorization: `Bearer ${key}` } } : {});

describe('GET /metrics', () => {
  it('exports queue counters and per-model LLM counters and latency histograms in the text format', async () => {
    const res = await ingest(keyA, [
      gen('m1', 'gpt-4o', 80),
      gen('m2', 'gpt-4o', 300, { error: 'timeout' }),
      gen('m3', 'claude "x"', 2000),
      gen('m4', 'gpt-4o', 120, { promptVersion: 'v2' }),
    ]);
    expect(res.status).toBe(200);
    const m = await scrape(keyA);
    expect(m.status).toBe(200);
    expect(m.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await m.text();
    expect(text).toContain('# TYPE assay_llm_latency_ms histogram');
    expect(text).toContain('assay_llm_calls_total{model="gpt-4o",segment="billing",prompt_version=""} 2');
    expect(text).toContain('assay_llm_errors_total{model="gpt-4o",segment="billing",prompt_version=""} 1');
    expect(text).toContain(
      'assay_llm_output_tokens_total{model="gpt-4o",segment="billing",prompt_version=""} 8',
    );
    expect(text).toContain(
      'assay_llm_latency_ms_bucket{model="gpt-4o",segment="billing",prompt_version="",le="100"} 1',
    );
    expect(text).toContain(
      'assay_llm_latency_ms_bucket{model="gpt-4o",segment="billing",prompt_version="",le="500"} 2',
    );
    expect(text).toContain(
      'assay_llm_latency_ms_sum{model="gpt-4o",segment="billing",prompt_version=""} 380',
    );
    expect(text).toContain('model="claude \\"x\\""');
    expect(text).toContain('assay_llm_calls_total{model="gpt-4o",segment="billing",prompt_version="v2"} 1');
    expect(text).toMatch(/^assay_ingest_records_committed_total [1-9]\d*$/m);
    expect(text).toMatch(/^assay_ingest_rejections_total 0$/m);
    expect(text).toMatch(/^assay_ingest_queue_depth \d+$/m);
    expect(text).toMatch(/^assay_ingest_requests_in_progress 0$/m);
    expect(text).toMatch(/^assay_ingest_requests_waiting 0$/m);
    const rss = Number(/^process_resident_memory_bytes (\d+)$/m.exec(text)?.[1]);
    expect(rss).toBeGreaterThan(10 * 1024 * 1024);
    expect(Number(/^nodejs_heap_size_used_bytes (\d+)$/m.exec(text)?.[1])).toBeGreaterThan(1024 * 1024);
    // No event named a session yet: the tracker has recomputed nothing and drops nothing.
    expect(text).toMatch(/^assay_signal_sessions_recomputed_total 0$/m);
    expect(text).toMatch(/^assay_signal_sessions_dropped_total 0$/m);
    expect(text).toMatch(/^assay_signal_sessions_spilled_total 0$/m);
    // Every sample line is `name{labels} number` or `name number`.
    for (const line of text
      .trim()
      .split('\n')
      .filter((l) => !l.startsWith('#')))
      expect(line).toMatch(/^[a-z_]+(\{.*\})? -?[\d.e+]+$/);
  });

  it("exports the signal tracker's sessions: recomputed once their traffic is quiet", async () => {
    const res = await ingest(keyA, [
      gen('s1', 'gpt-4o', 50, { sessionId: 'ms-1' }),
      gen('s2', 'gpt-4o', 50, { sessionId: 'ms-2' }),
    ]);
    expect(res.status).toBe(200);
    await server.signals!.settled();
    const text = await (await scrape(keyA)).text();
    expect(text).toContain('# TYPE assay_signal_sessions_pending gauge');
    expect(text).toMatch(/^assay_signal_sessions_pending 0$/m);
    expect(text).toMatch(/^assay_signal_traces_pending 0$/m);
    expect(text).toMatch(/^assay_signal_sessions_recomputed_total 2$/m);
    expect(text).toMatch(/^assay_signal_failures_total 0$/m);
  });

  it("needs a key and shows the key's project only", async () => {
    expect((await scrape()).status).toBe(401);
    const other = await (await scrape(keyB)).text();
    expect(other).not.toContain('gpt-4o');
  });
});
