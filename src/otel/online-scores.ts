import { createHash } from 'node:crypto';
import type { Score } from '../core/score.js';
import { type ExporterOptions, type ExportTally, OtlpJsonExporter } from './exporter.js';
import { attributes, type OtlpSpan, unixNano } from './otlp-json.js';
import { evaluationEvent } from './result-span.js';

/** The scores the monitor gave one production span (`MonitorReport.newScores`). */
export interface ScoredSpan {
  traceId: string;
  spanId: string;
  scores: Score[];
}

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

/**
 * The monitor's scores of a production span as a child span of it (OTLP cannot add events to a span
 * already exported): same trace, `parentSpanId` the scored span, one `gen_ai.evaluation.result` event
 * per score. Ids that are not OTLP hex (native events) are hashed, and the originals kept as attributes.
 */
export function onlineScoreSpan(s: ScoredSpan, nowMs: number): OtlpSpan {
  const traceId = HEX32.test(s.traceId) ? s.traceId : hash(`trace\u0000${s.traceId}`, 32);
  const parent = HEX16.test(s.spanId) ? s.spanId : undefined;
  const time = unixNano(nowMs);
  return {
    traceId,
    spanId: hash(`assay-online\u0000${s.traceId}\u0000${s.spanId}`, 16),
    ...(parent ? { parentSpanId: parent } : {}),
    name: 'assay.online_evaluation',
    kind: 1,
    startTimeUnixNano: time,
    endTimeUnixNano: time,
    attributes: attributes({
      'assay.evaluated.trace_id': s.traceId,
      'assay.evaluated.span_id': s.spanId,
    }),
    events: s.scores.map((score) => evaluationEvent(score, time)),
    status: { code: 0 },
  };
}

/**
 * Exports the monitor's new online scores over OTLP/HTTP JSON.
 *
 * @example
 * const tally = await exportOnlineScores({ url: 'http://localhost:4318/v1/traces' }, report.newScores);
 */
export async function exportOnlineScores(
  options: ExporterOptions,
  scored: readonly ScoredSpan[],
  now: () => number = Date.now,
): Promise<ExportTally> {
  const exporter = new OtlpJsonExporter(options);
  for (const s of scored) if (s.scores.length > 0) exporter.add(onlineScoreSpan(s, now()));
  return exporter.close();
}

function hash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}
