import { parseDuration } from '../core/duration.js';
import { AssayError } from '../core/errors.js';
import type { TraceStore } from '../core/trace-store.js';
import { traceDetailJson, traceSummaryJson } from '../monitor/trace-json.js';
import { table } from '../report/table.js';
import { openTraceStore } from '../store/open.js';
import { EXIT } from './exit-codes.js';

async function projectId(store: TraceStore, name: string): Promise<string> {
  const project = await store.projectByName(name);
  if (!project) throw new AssayError('usage', `no project "${name}" in this store`, { field: '--project' });
  return project.id;
}

const clip = (s: string, n: number) => {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
};

/** `assay traces [--since 1h] [--json]`: the newest traces of a project. */
export async function tracesCommand(flags: {
  db?: string;
  project?: string;
  since?: string;
  limit?: number;
  json?: boolean;
}): Promise<number> {
  const since = parseDuration(flags.since ?? '1h', { field: '--since' });
  const store = await openTraceStore(flags.db);
  try {
    const page = await store.listTraces(await projectId(store, flags.project ?? 'default'), {
      fromMs: Date.now() - since,
      limit: flags.limit ?? 50,
    });
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(page.traces.map(traceSummaryJson), null, 2)}\n`);
      return EXIT.ok;
    }
    if (page.traces.length === 0) {
      process.stdout.write(`No traces in the last ${flags.since ?? '1h'}.\n`);
      return EXIT.ok;
    }
    const rows = page.traces.map((t) => [
      t.traceId,
      new Date(t.startMs).toISOString().slice(0, 19).replace('T', ' '),
      clip(t.name, 30),
      String(t.spanCount),
      t.models.join(', '),
      String(t.inputTokens + t.outputTokens),
      t.endMs === null ? '–' : `${Math.round(t.endMs - t.startMs)} ms`,
      t.errorCount > 0 ? `${t.errorCount} error(s)` : 'ok',
    ]);
    process.stdout.write(
      `${table([['trace', 'start (UTC)', 'name', 'spans', 'models', 'tokens', 'duration', 'status'], ...rows], ['l', 'l', 'l', 'r', 'l', 'r', 'r', 'l'])}\n`,
    );
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

/** `assay traces show ID`: every span of a trace with its model, tokens, input and output. */
export async function traceShowCommand(
  id: string,
  flags: { db?: string; project?: string; json?: boolean },
): Promise<number> {
  const store = await openTraceStore(flags.db);
  try {
    const trace = await store.getTrace(await projectId(store, flags.project ?? 'default'), id);
    if (!trace) throw new AssayError('usage', `no trace ${id} in project "${flags.project ?? 'default'}"`);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(traceDetailJson(trace), null, 2)}\n`);
      return EXIT.ok;
    }
    const depth = new Map<string, number>();
    const lines = [`trace ${trace.traceId}  ${trace.name}  ${trace.spanCount} span(s)`];
    for (const s of trace.spans) {
      const d = s.parentSpanId ? (depth.get(s.parentSpanId) ?? 0) + 1 : 0;
      depth.set(s.spanId, d);
      const pad = '  '.repeat(d + 1);
      const model = s.model ? ` ${s.provider ? `${s.provider}/` : ''}${s.model}` : '';
      const tokens =
        s.inputTokens !== null || s.outputTokens !== null
          ? ` tokens ${s.inputTokens ?? 0}→${s.outputTokens ?? 0}`
          : '';
      const ms = s.endMs === null ? '' : ` ${Math.round(s.endMs - s.startMs)} ms`;
      lines.push(`${pad}${s.kind} ${s.name}${model}${tokens}${ms}${s.error ? ` ERROR ${s.error}` : ''}`);
      for (const m of s.input) lines.push(`${pad}  > ${m.role}: ${clip(m.content, 100)}`);
      for (const m of s.output) lines.push(`${pad}  < ${m.role}: ${clip(m.content, 100)}`);
      for (const sc of s.scores) lines.push(`${pad}  score ${sc.name} ${sc.value ?? sc.label ?? ''}`);
    }
    for (const f of trace.feedback)
      lines.push(`  feedback ${f.name} ${f.value ?? ''}${f.comment ? ` "${clip(f.comment, 80)}"` : ''}`);
    process.stdout.write(`${lines.join('\n')}\n`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
