/**
 * `node --expose-gc --import tsx bench/signals-memory.ts [sessions] [turns] [maxPendingTraces]`: the
 * main thread's heap the signal tracker holds for sessions waiting for a recompute, when traffic
 * leaves it no time for a round (sustained overload): `sessions` sessions (default 10,000, the
 * tracker's `maxPending`) of `turns` traces each (default 64, the most one session keeps), committed
 * turn by turn with no round in between. Heap measured after a full GC, before and after.
 */
import { emptyBatch } from '../src/core/trace.js';
import { createLocalEmbedder } from '../src/embeddings/local.js';
import { SignalTracker } from '../src/monitor/signals-tracker.js';
import { openTraceStore } from '../src/store/open.js';
import { span } from '../test/helpers/trace-store-contract.js';

const sessions = Number(process.argv[2] ?? 10_000);
const turns = Number(process.argv[3] ?? 64);
const maxPendingTraces = process.argv[4] === undefined ? undefined : Number(process.argv[4]);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc --import tsx bench/signals-memory.ts');

const store = await openTraceStore(':memory:');
const projectId = (await store.ensureProject('bench')).id;
gc();
const before = process.memoryUsage().heapUsed;
const tracker = new SignalTracker(store, { embedder: createLocalEmbedder(), maxPendingTraces });
const t0 = Date.now();
const hex = (n: number) => n.toString(16).padStart(8, '0');
// One commit a turn: a trace of one LLM span for every session, fresh strings as a decoding
// thread's rows bring them. Nothing awaits in between, so no round runs.
let batch = emptyBatch();
for (let t = 0; t < turns; t++) {
  batch = emptyBatch();
  for (let s = 0; s < sessions; s++) {
    const traceId = `${hex(s)}${hex(t)}${'0'.repeat(16)}`;
    batch.spans.push(
      span(projectId, traceId, traceId.slice(0, 16), {
        sessionId: `session-${hex(s)}`,
        startMs: t0 + t * 1000,
        endMs: t0 + t * 1000 + 500,
      }),
    );
  }
  tracker.onCommit(batch);
}
batch = emptyBatch(); // the last commit's spans are not the tracker's to hold
gc();
const held = process.memoryUsage().heapUsed - before;
const stats = tracker.stats();
console.log(
  JSON.stringify({
    sessions,
    turns,
    maxPendingTraces: maxPendingTraces ?? 'default',
    pendingSessions: stats.pending,
    pendingTraces: stats.pendingTraces,
    heapHeldMB: Number((held / 1e6).toFixed(1)),
  }),
);
process.exit(0);
