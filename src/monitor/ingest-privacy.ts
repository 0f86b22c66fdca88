import type { IngestConfig } from '../config/ingest.js';
import type { IngestBatch, SpanRecord, TraceMessage } from '../core/trace.js';
import type { Finding } from '../evaluators/safety/finding.js';
import { detectPii } from '../evaluators/safety/pii.js';
import { detectSecrets } from '../evaluators/safety/secrets.js';

/** Replaces what the detectors find with `[category]`: `mail me at [pii.email]`. */
export function redactText(text: string, detectors: ((text: string) => Finding[])[]): string {
  if (text.length === 0) return text;
  const spans: [number, number, string][] = [];
  for (const detect of detectors)
    for (const f of detect(text)) {
      const at = text.startsWith(f.match, f.index) ? f.index : text.indexOf(f.match);
      if (at >= 0) spans.push([at, at + f.match.length, f.category]);
    }
  if (spans.length === 0) return text;
  spans.sort((a, b) => a[0] - b[0]);
  let out = '';
  let pos = 0;
  for (const [start, end, category] of spans) {
    if (start < pos) continue;
    out += `${text.slice(pos, start)}[${category}]`;
    pos = end;
  }
  return out + text.slice(pos);
}

/** Every string inside a JSON-like value, mapped. */
function deep(value: unknown, f: (s: string) => string): unknown {
  if (typeof value === 'string') return f(value);
  if (Array.isArray(value)) return value.map((v) => deep(v, f));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deep(v, f)]));
  return value;
}

// Attribute names that carry prompts, completions or documents (kept as sent when not mapped).
const CONTENT_KEY =
  /(^|\.)(input|output|prompt|completion|messages?|content|documents?|instructions|value|text|query)(\.|$)/i;

const noContent = (key: string) => !CONTENT_KEY.test(key);

/**
 * The `ingest:` settings as a batch transform applied before a batch is queued (so nothing
 * unredacted is ever written): `redact: [pii, secrets]` masks message texts, contexts, string
 * attributes, feedback comments and corrections and native events as received; `content: false`
 * drops them all, keeping metadata (model, tokens, latency, cost, errors, tags). Undefined when
 * the settings change nothing.
 */
export function privacyTransform(config: IngestConfig): ((batch: IngestBatch) => IngestBatch) | undefined {
  const detectors: ((text: string) => Finding[])[] = [];
  if (config.redact.includes('pii')) detectors.push((t) => detectPii(t));
  if (config.redact.includes('secrets')) detectors.push(detectSecrets);
  if (config.content && detectors.length === 0) return undefined;
  const text = config.content ? (s: string) => redactText(s, detectors) : () => '';
  const message = (m: TraceMessage): TraceMessage => {
    const { parts: _p, ...rest } = m;
    return {
      ...rest,
      content: text(m.content),
      ...(m.parts && config.content ? { parts: deep(m.parts, text) as unknown[] } : {}),
      ...(m.toolCalls ? { toolCalls: config.content ? (deep(m.toolCalls, text) as unknown[]) : [] } : {}),
    };
  };
  // Every field that is not a plain own property of a packed span (span-values.ts) is set here.
  const span = (s: SpanRecord): SpanRecord => ({
    ...s,
    tags: s.tags,
    input: config.content ? s.input.map(message) : [],
    output: config.content ? s.output.map(message) : [],
    contexts: config.content ? s.contexts.map((c) => ({ ...c, content: text(c.content) })) : [],
    attributes: config.content
      ? (deep(s.attributes, text) as Record<string, unknown>)
      : Object.fromEntries(Object.entries(s.attributes).filter(([k]) => noContent(k))),
    error: s.error === null ? null : config.content ? text(s.error) : s.error,
  });
  return (batch) => ({
    spans: batch.spans.map(span),
    scores: batch.scores.map((s) => ({
      ...s,
      explanation: s.explanation === null ? null : text(s.explanation),
    })),
    feedback: batch.feedback.map((f) => ({
      ...f,
      comment: f.comment === null ? null : text(f.comment),
      correction: f.correction === null ? null : text(f.correction),
    })),
    events: batch.events.map((e) => ({
      ...e,
      data: config.content ? deep(e.data, text) : metadataOf(e.data),
    })),
  });
}

/** A native event without its texts: what `content: false` keeps of it. */
function metadataOf(data: unknown): unknown {
  if (!data || typeof data !== 'object') return data;
  const {
    input: _i,
    output: _o,
    contexts: _c,
    toolCalls: _t,
    metadata: _m,
    ...rest
  } = data as Record<string, unknown>;
  return rest;
}
