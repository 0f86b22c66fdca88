import pc from 'picocolors';
import { table } from '../report/table.js';
import { ERROR_KINDS } from './error-kind.js';
import type { LatencySummary, LoadResult } from './load-recorder.js';
import type { SloOutcome } from './slo.js';

const ms = (x: number | null) =>
  x === null ? '–' : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(x < 10 ? 2 : 1)} ms`;
const rps = (x: number | null) => (x === null ? '–' : `${x.toFixed(1)} rps`);
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

export interface LoadReportOptions {
  color?: boolean;
  slo?: SloOutcome[];
  /** Why time to first token was not measured, when it was not. */
  ttftNote?: string;
  faults?: string;
  /** Characters for the longest histogram bar. */
  barWidth?: number;
}

function latencyRow(name: string, l: LatencySummary): string[] {
  return [name, ms(l.p50), ms(l.p90), ms(l.p95), ms(l.p99), ms(l.max), ms(l.mean)];
}

/** A load test's result as people read it in a terminal: latencies, rates, errors, histogram, SLOs. */
export function formatLoadResult(r: LoadResult, options: LoadReportOptions = {}): string {
  const c = pc.createColors(options.color ?? false);
  const lines: string[] = [];
  const how =
    r.mode === 'open'
      ? `open loop at ${r.requestedRps} rps`
      : `closed loop with ${r.concurrency} worker${r.concurrency === 1 ? '' : 's'}`;
  lines.push(
    `${c.bold('Load')} ${r.target} · ${how} for ${ms(r.durationMs)} · ${r.requests} requests (${r.ok} answered, ${r.errors} failed${r.cancelled ? `, ${r.cancelled} cancelled` : ''}) in ${ms(r.elapsedMs)}`,
  );
  if (options.faults) lines.push(`Faults: ${options.faults}`);

  lines.push('', `${c.bold('Latency')}${r.mode === 'open' ? ' (from when each request was due)' : ''}`);
  const rows = [['', 'p50', 'p90', 'p95', 'p99', 'max', 'mean'], latencyRow('answered', r.latencyMs)];
  if (r.ttftMs) rows.push(latencyRow('first token', r.ttftMs));
  if (r.lagMs) rows.push(latencyRow('start lag', r.lagMs));
  lines.push(table(rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r']));
  if (!r.ttftMs)
    lines.push(`Time to first token: not measured${options.ttftNote ? ` (${options.ttftNote})` : ''}`);

  lines.push('', c.bold('Throughput'));
  const achieved =
    r.mode === 'open' && r.requestedRps && r.throughputRps !== null
      ? ` (${((r.throughputRps / r.requestedRps) * 100).toFixed(1)}% of ${r.requestedRps} rps requested)`
      : '';
  lines.push(`${rps(r.throughputRps)} achieved${achieved} · ${rps(r.goodputRps)} answered`);
  if (r.mode === 'open') lines.push(`sent at ${rps(r.sentRps)} · at most ${r.peakInFlight} in flight`);

  lines.push('', c.bold('Errors'));
  if (r.errors === 0) lines.push('none');
  else {
    lines.push(`${r.errors} of ${r.requests} (${pct(r.errorRate ?? 0)})`);
    const kinds = ERROR_KINDS.filter((k) => r.errorsByKind[k] > 0);
    lines.push(
      table(
        kinds.map((k) => [
          k,
          String(r.errorsByKind[k]),
          pct(r.errorsByKind[k] / r.requests),
          (r.errorSamples[k] ?? '').slice(0, 100),
        ]),
        ['l', 'r', 'r', 'l'],
      ),
    );
  }

  if (r.histogram.length > 0) {
    lines.push('', `${c.bold('Histogram')} (answered requests, log scale)`);
    const width = options.barWidth ?? 40;
    const top = Math.max(...r.histogram.map((b) => b.count));
    lines.push(
      table(
        r.histogram.map((b) => [
          `${ms(b.fromMs)} – ${ms(b.toMs)}`,
          String(b.count),
          '█'.repeat(Math.round((b.count / top) * width)) || (b.count ? '▏' : ''),
        ]),
        ['r', 'r', 'l'],
      ),
    );
  }

  if (options.slo?.length) {
    lines.push('', c.bold('SLO'));
    for (const s of options.slo) lines.push(`${s.pass ? c.green('✓') : c.red('✗')} ${s.text}`);
  }
  return lines.join('\n');
}
