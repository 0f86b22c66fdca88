import type { SpanKind, SpanRecord, TraceContext, TraceMessage } from '../core/trace.js';
import type { SpanRow } from './schema.js';

/** The `spans` columns in the order of `spanValues`: the SQLite writer binds them by position. */
export const SPAN_COLUMNS = [
  'project_id',
  'trace_id',
  'span_id',
  'parent_span_id',
  'name',
  'kind',
  'start_ms',
  'end_ms',
  'model',
  'provider',
  'operation',
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'cost_usd',
  'input',
  'output',
  'contexts',
  'attributes',
  'status',
  'error',
  'session_id',
  'user_id',
  'tags',
  'segment',
  'prompt_version',
  'source',
] as const satisfies readonly (keyof SpanRow)[];

/** A span's stored row as values in `SPAN_COLUMNS` order (JSON columns as their text). */
export type SpanValues = unknown[];

/** The row of a span: a packed span's own (rendered where it was converted), any other's rendered here. */
export function spanValues(s: SpanRecord): SpanValues {
  return PackedSpan.valuesOf(s) ?? renderSpan(s);
}

/** Renders a span's row: the JSON columns are stringified (most of the cost). */
export function renderSpan(s: SpanRecord): SpanValues {
  return [
    s.projectId,
    s.traceId,
    s.spanId,
    s.parentSpanId,
    s.name,
    s.kind,
    s.startMs,
    s.endMs,
    s.model,
    s.provider,
    s.operation,
    s.inputTokens,
    s.outputTokens,
    s.totalTokens,
    s.costUsd,
    JSON.stringify(s.input),
    JSON.stringify(s.output),
    // Most spans have no contexts: the constant spares a stringify per span on the commit path.
    s.contexts.length === 0 ? '[]' : JSON.stringify(s.contexts),
    JSON.stringify(s.attributes),
    s.status,
    s.error,
    s.sessionId,
    s.userId,
    JSON.stringify(s.tags),
    s.tags.segment || null,
    s.promptVersion || null,
    s.source,
  ];
}

/** What the implicit signals read of a span with a model: whether it has a reply. */
export interface SpanTurn {
  hasOutput: boolean;
}

/**
 * A span whose row was rendered where it was converted (a decoding thread): it crosses threads as
 * that row, an array of primitives that clones cheaply, and is written without a second stringify.
 * Its scalar fields are own properties; its messages, contexts, attributes and tags are parsed from
 * the row only when read. Its row is private: a spread copy (the redaction transform's) holds the
 * scalars and no row, so it is rendered again from what the copy holds. Nothing is meant to modify
 * a span once converted; a packed one's fields are read-only.
 */
export class PackedSpan implements SpanRecord {
  readonly #values: SpanValues;
  readonly #turn: SpanTurn | undefined;
  #input?: TraceMessage[];
  #output?: TraceMessage[];
  #contexts?: TraceContext[];
  #attributes?: Record<string, unknown>;
  #tags?: Record<string, string>;
  readonly projectId: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly name: string;
  readonly kind: SpanKind;
  readonly startMs: number;
  readonly endMs: number | null;
  readonly model: string | null;
  readonly provider: string | null;
  readonly operation: string | null;
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  readonly totalTokens: number | null;
  readonly costUsd: number | null;
  readonly status: SpanRecord['status'];
  readonly error: string | null;
  readonly sessionId: string | null;
  readonly userId: string | null;
  readonly promptVersion: string | null;
  readonly source: SpanRecord['source'];

  /** `values` as `renderSpan` gives them; `turn` as `spanTurn` (signals-pending.ts) gives it, for a span with a model. */
  constructor(values: SpanValues, turn?: SpanTurn) {
    this.#values = values;
    this.#turn = turn;
    const v = values as never[];
    this.projectId = v[0]!;
    this.traceId = v[1]!;
    this.spanId = v[2]!;
    this.parentSpanId = v[3]!;
    this.name = v[4]!;
    this.kind = v[5]!;
    this.startMs = v[6]!;
    this.endMs = v[7]!;
    this.model = v[8]!;
    this.provider = v[9]!;
    this.operation = v[10]!;
    this.inputTokens = v[11]!;
    this.outputTokens = v[12]!;
    this.totalTokens = v[13]!;
    this.costUsd = v[14]!;
    this.status = v[19]!;
    this.error = v[20]!;
    this.sessionId = v[21]!;
    this.userId = v[22]!;
    this.promptVersion = v[25]!;
    this.source = v[26]!;
  }

  get input(): TraceMessage[] {
    this.#input ??= JSON.parse(this.#values[15] as string) as TraceMessage[];
    return this.#input;
  }

  get output(): TraceMessage[] {
    this.#output ??= JSON.parse(this.#values[16] as string) as TraceMessage[];
    return this.#output;
  }

  get contexts(): TraceContext[] {
    this.#contexts ??= JSON.parse(this.#values[17] as string) as TraceContext[];
    return this.#contexts;
  }

  get attributes(): Record<string, unknown> {
    this.#attributes ??= JSON.parse(this.#values[18] as string) as Record<string, unknown>;
    return this.#attributes;
  }

  get tags(): Record<string, string> {
    this.#tags ??= JSON.parse(this.#values[23] as string) as Record<string, string>;
    return this.#tags;
  }

  /** The span as a plain record (what `JSON.stringify` and a deep comparison see). */
  toJSON(): SpanRecord {
    return {
      ...this,
      input: this.input,
      output: this.output,
      contexts: this.contexts,
      attributes: this.attributes,
      tags: this.tags,
    };
  }

  /** The row of a packed span; undefined for any other record (a spread copy included). */
  static valuesOf(s: SpanRecord): SpanValues | undefined {
    return #values in s ? (s as PackedSpan).#values : undefined;
  }

  /** What the signals read of a packed span with a model, computed where it was converted. */
  static turnOf(s: SpanRecord): SpanTurn | undefined {
    return #turn in s ? (s as PackedSpan).#turn : undefined;
  }
}
