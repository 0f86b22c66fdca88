// Where ingestion's CPU goes, in process and without HTTP (issue 13): the OTLP conversion (decode and
// mapping to span records) and the SQLite commit of the same records, each in CPU µs per span, and
// the garbage collection each causes. Steadier than the end-to-end bench on a shared machine, since
// it times CPU, not the wall clock, of one thread doing one thing.
//
// Run: npx tsx bench/ingest-parts.ts [protobuf|json] [requests]
//   Converts `requests` bodies of 512 spans (default 160) with fresh ids and commits them in groups of
//   4 requests (2,048 spans, the ingest queue's largest commit) to a new SQLite file.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { emptyBatch } from '../src/core/trace.js';
import { convertOtlp } from '../src/monitor/otlp/convert.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { SqliteTraceWriter } from '../src/store/sqlite-trace-writer.js';
import { templates } from './ingest-bodies.js';

const kind = (process.argv[2] ?? 'protobuf') as 'protobuf' | 'json';
const requests = Number(process.argv[3] ?? 160);
const GROUP = 4;

let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ['gc'] });

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** CPU and GC milliseconds `fn` takes (GC entries are reported asynchronously: one turn is awaited). */
async function measure(fn: () => void): Promise<{ cpu: number; gc: number }> {
  const gc0 = gcMs;
  const t0 = cpuMs();
  fn();
  const cpu = cpuMs() - t0;
  await new Promise((r) => setTimeout(r, 0));
  return { cpu, gc: gcMs - gc0 };
}

const body = templates(kind);
const job = (b: Buffer) => ({ body: b, protobuf: kind === 'protobuf', projectId: 'p', nowMs: Date.now() });
const dir = mkdtempSync(join(tmpdir(), 'assay-bench-parts-'));
const store = await openSqliteStore(join(dir, 'assay.db'));
const writer = new SqliteTraceWriter(store.sqlite);

// As the server does: convert a group's bodies, commit them, drop them; the first groups warm up
// the JIT and the tables' first pages and are not counted.
const WARM = 4;
const total = { convert: 0, convertGc: 0, write: 0, writeGc: 0, spans: 0 };
for (let g = 0; g < WARM + Math.ceil(requests / GROUP); g++) {
  const bodies = Array.from({ length: GROUP }, (_, i) => body.stamp(g * GROUP + i + 1));
  const batch = emptyBatch();
  const convert = await measure(() => {
    for (const b of bodies) for (const s of convertOtlp(job(b)).batch.spans) batch.spans.push(s);
  });
  const write = await measure(() => writer.write(batch));
  if (g < WARM) continue;
  total.convert += convert.cpu;
  total.convertGc += convert.gc;
  total.write += write.cpu;
  total.writeGc += write.gc;
  total.spans += batch.spans.length;
}
await store.close();
rmSync(dir, { recursive: true, force: true });

const perSpan = (ms: number, n: number) => Number(((ms * 1000) / n).toFixed(1));
console.log(
  JSON.stringify({
    encoding: kind,
    spans: total.spans,
    convertCpuUsPerSpan: perSpan(total.convert, total.spans),
    convertGcUsPerSpan: perSpan(total.convertGc, total.spans),
    writeCpuUsPerSpan: perSpan(total.write, total.spans),
    writeGcUsPerSpan: perSpan(total.writeGc, total.spans),
    load1: Number(loadavg()[0]!.toFixed(2)),
  }),
);
