import { createHash } from 'node:crypto';
import type { ResultRecord } from '../core/run.js';
import type { Score } from '../core/score.js';
import { attributes, type KeyValue, type OtlpEvent, type OtlpSpan, unixNano } from './otlp-json.js';

/** What the span says about the target that produced the output. */
export interface TargetInfo {
  /** `family:model`, when the target is a model. */
  provider?: string;
}

/**
 * A result's trace and span ids: derived from run, case, target and repeat, so exporting the same
 * result twice names the same span, and a reader can find a result's trace without asking.
 */
export function resultSpanIds(r: Pick<ResultRecord, 'runId' | 'caseId' | 'target' | 'repeat'>): {
  traceId: string;
  spanId: string;
} {
  const hex = createHash('sha256')
    .update(`assay\u0000${r.runId}\u0000${r.target}\u0000${r.caseId}\u0000${r.repeat}`)
    .digest('hex');
  return { traceId: hex.slice(0, 32), spanId: hex.slice(32, 48) };
}

/**
 * One evaluated output as a span in the OpenTelemetry GenAI conventions: the call's `gen_ai.*`
 * attributes, and one `gen_ai.evaluation.result` event per score.
 *
 * @example
 * const span = resultSpan(result, { provider: 'openai:gpt-4o-mini' }, Date.now());
 */
export function resultSpan(r: ResultRecord, target: TargetInfo, endMs: number): OtlpSpan {
  const { traceId, spanId } = resultSpanIds(r);
  const [family, ...rest] = target.provider?.split(':') ?? [];
  const model = rest.length ? rest.join(':') : undefined;
  const output = r.output;
  const startMs = endMs - Math.max(0, r.latencyMs);
  const input = promptMessages(output?.prompt);
  const span: OtlpSpan = {
    traceId,
    spanId,
    name: model ? `chat ${model}` : `evaluate ${r.target}`,
    kind: model ? 3 : 1,
    startTimeUnixNano: unixNano(startMs),
    endTimeUnixNano: unixNano(endMs),
    attributes: attributes({
      'gen_ai.operation.name': model ? 'chat' : undefined,
      'gen_ai.provider.name': model ? family : undefined,
      'gen_ai.request.model': model,
      'gen_ai.usage.input_tokens': r.tokens?.input,
      'gen_ai.usage.output_tokens': r.tokens?.output,
      'gen_ai.input.messages': input ? JSON.stringify(input) : undefined,
      'gen_ai.output.messages': output
        ? JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: output.text }] }])
        : undefined,
      'assay.run.id': r.runId,
      'assay.case.id': r.caseId,
      'assay.target': r.target,
      'assay.repeat': r.repeat,
      'assay.pass': r.pass,
      'assay.cost_usd': r.costUsd,
      'error.type': r.error ? (output ? 'evaluator_error' : 'target_error') : undefined,
      ...Object.fromEntries(Object.entries(r.tags).map(([k, v]) => [`assay.tag.${k}`, v])),
    }),
    events: r.scores.map((s) => evaluationEvent(s, unixNano(endMs))),
    status: r.error ? { code: 2, message: r.error } : { code: 0 },
  };
  return span;
}

/** A score as the GenAI conventions' `gen_ai.evaluation.result` event. */
export function evaluationEvent(s: Score, timeUnixNano: string): OtlpEvent {
  const attrs: KeyValue[] = attributes({
    'gen_ai.evaluation.name': s.evaluator,
    'gen_ai.evaluation.score.label':
      s.error !== undefined ? 'error' : s.pass === null ? undefined : s.pass ? 'pass' : 'fail',
    'gen_ai.evaluation.explanation': s.error ?? s.reason,
    'error.type': s.error !== undefined ? 'evaluator_error' : undefined,
  });
  // The score is a double in the conventions, even when it happens to be 0 or 1.
  if (s.value !== null) attrs.push({ key: 'gen_ai.evaluation.score.value', value: { doubleValue: s.value } });
  return { timeUnixNano, name: 'gen_ai.evaluation.result', attributes: attrs };
}

/** The prompt as sent, when it is a list of chat messages, in the conventions' message shape. */
function promptMessages(
  prompt: unknown,
): { role: string; parts: { type: 'text'; content: string }[] }[] | undefined {
  if (!Array.isArray(prompt))
    return typeof prompt === 'string'
      ? [{ role: 'user', parts: [{ type: 'text', content: prompt }] }]
      : undefined;
  const out = [];
  for (const m of prompt) {
    if (!m || typeof m !== 'object') return undefined;
    const { role, content } = m as { role?: unknown; content?: unknown };
    if (typeof role !== 'string') return undefined;
    out.push({
      role,
      parts: [
        { type: 'text' as const, content: typeof content === 'string' ? content : JSON.stringify(content) },
      ],
    });
  }
  return out;
}
