import { afterEach, describe, expect, it } from 'vitest';
import { listeningOn, type RunningCli, spawnCli } from './helpers/cli.js';
import { everyShape, otlpJson, otlpProtobuf } from './helpers/otlp.js';
import { tempDir } from './helpers/suite.js';
import { until } from './helpers/until.js';

/** The real CLI (its compiled decoding thread) against the same server converting on its main thread. */

const dirs: { cleanup(): void }[] = [];
const servers: RunningCli[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.child.kill('SIGKILL');
  for (const d of dirs.splice(0)) d.cleanup();
});

async function serve(threads: number): Promise<{ url: string; key: string }> {
  const dir = tempDir('assay-threads-');
  dirs.push(dir);
  const cli = spawnCli(['serve', '--port', '0', '--db', 'assay.db', '--threads', String(threads)], {
    cwd: dir.dir,
    timeoutMs: 60_000,
  });
  servers.push(cli);
  const { url, key } = await listeningOn(cli, true);
  return { url, key: key! };
}

type Trace = {
  signals: { kind: string; computedAt?: string }[];
  spans: { model: string | null; input: { content: string }[] }[];
};

/**
 * The trace once its session's signals are stored: they are computed after the commit, so a read
 * straight after the 200 may come before them. `computedAt` is the wall clock of each server, so it goes.
 */
async function withSignals(url: string, key: string, traceId: string): Promise<Trace> {
  let trace: Trace | undefined;
  await until(
    `signals on trace ${traceId}`,
    async () => {
      const res = await fetch(`${url}/api/v1/traces/${traceId}`, { headers: { 'x-api-key': key } });
      expect(res.status).toBe(200);
      trace = (await res.json()) as Trace;
      return trace.signals.length > 0;
    },
    20_000,
  );
  for (const s of trace!.signals) delete s.computedAt;
  return trace!;
}

describe('assay serve --threads', () => {
  it('stores what the main thread stores, from protobuf and from JSON', async () => {
    const start = Date.now() - 60_000;
    const shapes = (trace: string, span: string) =>
      everyShape(trace, span).map((s, i) => ({ ...s, startMs: start + i }));
    const requests = [
      {
        type: 'application/x-protobuf',
        body: otlpProtobuf(shapes('c1', 'd')),
        traceId: 'c1'.padEnd(32, '0'),
      },
      {
        type: 'application/json',
        body: JSON.stringify(otlpJson(shapes('c2', 'e'))),
        traceId: 'c2'.padEnd(32, '0'),
      },
    ];
    const read = async (threads: number) => {
      const { url, key } = await serve(threads);
      const traces: Trace[] = [];
      for (const r of requests) {
        const res = await fetch(`${url}/v1/traces`, {
          method: 'POST',
          headers: { 'content-type': r.type, authorization: `Bearer ${key}` },
          body: r.body,
        });
        expect(res.status).toBe(200);
        traces.push(await withSignals(url, key, r.traceId));
      }
      // The thread was there, so the first run went through it (the pool decodes in-thread without one).
      const metrics = await (await fetch(`${url}/metrics`, { headers: { 'x-api-key': key } })).text();
      expect(metrics).toMatch(new RegExp(`^assay_ingest_decoding_threads ${threads}$`, 'm'));
      return traces;
    };
    const [threaded, inThread] = [await read(1), await read(0)];
    expect(threaded).toEqual(inThread);
    const spans = threaded[0]!.spans;
    expect(spans).toHaveLength(3);
    expect(spans.find((s) => s.model)?.input[1]?.content).toContain('café');
    // The JSON trace's call started in the same millisecond as the protobuf one's, and sorts after it
    // (by trace id) only if both encodings give that millisecond the same value: it is the retry.
    expect(threaded[1]!.signals.map((s) => s.kind)).toContain('retry');
  });
});
