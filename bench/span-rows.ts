// What a span's row costs to cross threads and to insert (issue 13), in CPU µs a span, in process:
// the records as JSON (the decoding thread's old hand-over) or by structured clone against rows
// (`PackedSpan`'s hand-over: arrays of strings and numbers), and SQLite's span insert with its 27
// parameters bound by name against by position. Every variant runs on the same batches, alternately,
// in one process, so a noisy machine shifts them together.
//
// Run: npx tsx bench/span-rows.ts [requests]   (batches of 512 spans, default 60)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { convertOtlp } from '../src/monitor/otlp/convert.js';
import { renderSpan, SPAN_COLUMNS } from '../src/store/span-values.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { spanRow } from '../src/store/trace-rows.js';
import { templates } from './ingest-bodies.js';

const requests = Number(process.argv[2] ?? 60);
const WARM = 5;
const body = templates('protobuf');
const batches = Array.from(
  { length: requests },
  (_, i) => convertOtlp({ body: body.stamp(i + 1), protobuf: true, projectId: 'p', nowMs: Date.now() }).batch,
);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const dir = mkdtempSync(join(tmpdir(), 'assay-bench-rows-'));
const insert = async (file: string, named: boolean) => {
  const store = await openSqliteStore(join(dir, file));
  store.sqlite.pragma('wal_autocheckpoint = 0');
  const values = SPAN_COLUMNS.map((c) => (named ? `@${c}` : '?')).join(', ');
  // Each span under a trace number of its own, as the key (trace_seq, span_id) needs one.
  const stmt = store.sqlite.prepare(
    `INSERT INTO spans (${SPAN_COLUMNS.join(', ')}, trace_seq) VALUES (${values}, ${named ? '@trace_seq' : '?'})`,
  );
  let seq = 0;
  return store.sqlite.transaction((rows: unknown[]) => {
    for (const r of rows) {
      seq += 1;
      // A row by name is a fresh object of the sending side's: it takes its number in place.
      if (named) stmt.run(Object.assign(r as object, { trace_seq: seq }));
      else stmt.run(r, seq);
    }
  });
};
const byName = await insert('named.db', true);
const byPosition = await insert('positional.db', false);

// Each variant: [what is timed on the sending side, what is timed on the receiving side].
const variants: Record<string, [(b: (typeof batches)[number]) => unknown, (x: unknown) => unknown]> = {
  'records as JSON': [(b) => JSON.stringify(b), (x) => JSON.parse(x as string)],
  'records by structured clone': [(b) => serialize(b), (x) => deserialize(x as Buffer)],
  'rows by structured clone (render included)': [
    (b) => serialize(b.spans.map(renderSpan)),
    (x) => deserialize(x as Buffer),
  ],
  'insert by name (render included)': [(b) => b.spans.map(spanRow), (rows) => byName(rows as unknown[])],
  'insert by position (render included)': [
    (b) => b.spans.map(renderSpan),
    (rows) => byPosition(rows as unknown[]),
  ],
};
const totals = Object.fromEntries(Object.keys(variants).map((k) => [k, { send: 0, receive: 0 }]));
for (let i = 0; i < requests; i++)
  for (const [name, [send, receive]] of Object.entries(variants)) {
    const t0 = cpuMs();
    const x = send(batches[i]!);
    const t1 = cpuMs();
    receive(x);
    const t2 = cpuMs();
    if (i < WARM) continue;
    totals[name]!.send += t1 - t0;
    totals[name]!.receive += t2 - t1;
  }
const spans = (requests - WARM) * 512;
for (const [name, t] of Object.entries(totals))
  console.log(
    JSON.stringify({
      variant: name,
      sendUsPerSpan: Number(((t.send * 1000) / spans).toFixed(2)),
      receiveUsPerSpan: Number(((t.receive * 1000) / spans).toFixed(2)),
    }),
  );
rmSync(dir, { recursive: true, force: true });
