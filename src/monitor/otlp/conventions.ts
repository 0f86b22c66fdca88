import type { SpanKind, TraceContext, TraceMessage } from '../../core/trace.js';
import { flatMessage, indexed, systemMessage, text, toMessage, toMessages } from './messages.js';

/**
 * What a span's attributes and events say, in every naming real apps emit: the OpenTelemetry GenAI
 * conventions (current and deprecated names, flattened prompts, per-message events), and
 * OpenInference. The first name that is present wins, current names first.
 */
export interface SpanEvent {
  name: string;
  timeMs: number | undefined;
  attributes: Record<string, unknown>;
}

export interface Interpreted {
  kind: SpanKind;
  model: string | null;
  provider: string | null;
  operation: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  totalTokens: number | null;
  costUsd: number | null;
  input: TraceMessage[];
  output: TraceMessage[];
  contexts: TraceContext[];
  sessionId: string | null;
  userId: string | null;
  segment: string | null;
  promptVersion: string | null;
  /** Scores from `gen_ai.evaluation.result` events. */
  evaluations: { name: string; value: number | null; label: string | null; explanation: string | null }[];
  /** Attributes that were turned into the fields above and need not be kept twice. */
  consumed: Set<string>;
  /** Events that were understood (the rest are kept with the attributes). */
  consumedEvents: Set<SpanEvent>;
}

const str = (v: unknown) =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null;
const num = (v: unknown) => {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
};

function first<T>(attrs: Record<string, unknown>, keys: string[], read: (v: unknown) => T | null): T | null {
  for (const k of keys) {
    const v = read(attrs[k]);
    if (v !== null) return v;
  }
  return null;
}

const OPENINFERENCE_KINDS: Record<string, SpanKind> = {
  LLM: 'llm',
  EMBEDDING: 'embedding',
  TOOL: 'tool',
  RETRIEVER: 'retrieval',
  RERANKER: 'reranker',
  AGENT: 'agent',
  CHAIN: 'chain',
  GUARDRAIL: 'guardrail',
  EVALUATOR: 'evaluator',
};

const OPERATION_KINDS: Record<string, SpanKind> = {
  chat: 'llm',
  text_completion: 'llm',
  generate_content: 'llm',
  completion: 'llm',
  embeddings: 'embedding',
  execute_tool: 'tool',
  invoke_agent: 'agent',
  create_agent: 'agent',
  retrieval: 'retrieval',
};

const ROLE_EVENTS: Record<string, string> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
};

const CONTENT_KEYS = [
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.system_instructions',
  'gen_ai.prompt',
  'gen_ai.completion',
  'gen_ai.tool.call.arguments',
  'gen_ai.tool.call.result',
  'input.value',
  'output.value',
];

/**
 * The prompt version a call used: Assay's name, the GenAI-style name, OpenInference's prompt template
 * version and Langfuse's linked prompt version. Kept in the attributes too (nothing is consumed).
 */
export const PROMPT_VERSION_KEYS = [
  'assay.prompt.version',
  'gen_ai.prompt.version',
  'llm.prompt_template.version',
  'langfuse.observation.prompt.version',
];

const FLAT_PREFIXES = [
  'gen_ai.prompt.',
  'gen_ai.completion.',
  'llm.input_messages.',
  'llm.output_messages.',
  'retrieval.documents.',
];
/** One of FLAT_PREFIXES and a digit: one test per key instead of one per key and prefix. */
const FLAT_KEY = new RegExp(`^(?:${FLAT_PREFIXES.map((p) => p.replaceAll('.', '\\.')).join('|')})\\d`);

// The names each field is read from, first present wins (module constants: `interpret` runs per span).
const MODEL_KEYS = [
  'gen_ai.response.model',
  'gen_ai.request.model',
  'llm.model_name',
  'embedding.model_name',
];
const PROVIDER_KEYS = ['gen_ai.provider.name', 'gen_ai.system', 'llm.provider', 'llm.system'];
const INPUT_TOKEN_KEYS = [
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.prompt_tokens',
  'llm.token_count.prompt',
];
const OUTPUT_TOKEN_KEYS = [
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.completion_tokens',
  'llm.token_count.completion',
];
const TOTAL_TOKEN_KEYS = ['llm.token_count.total', 'gen_ai.usage.total_tokens'];
const COST_KEYS = ['gen_ai.usage.cost', 'llm.cost.total'];
const SESSION_KEYS = ['gen_ai.conversation.id', 'session.id'];
const USER_KEYS = ['user.id', 'enduser.id', 'gen_ai.user.id'];
const SEGMENT_KEYS = ['assay.segment', 'segment'];

/** Reads a span's attributes (resource attributes merged in) and events. */
export function interpret(attrs: Record<string, unknown>, events: SpanEvent[]): Interpreted {
  const consumed = new Set<string>();
  const consumedEvents = new Set<SpanEvent>();
  const flat: Record<string, string[]> = {};
  for (const key of Object.keys(attrs)) {
    // Indexed keys only: `gen_ai.prompt.0.content` is a message, `gen_ai.prompt.version` is not.
    if (!FLAT_KEY.test(key)) continue;
    for (const prefix of FLAT_PREFIXES) {
      if (key.startsWith(prefix)) {
        flat[prefix] ??= [];
        flat[prefix].push(key);
        consumed.add(key);
        break;
      }
    }
  }
  for (const key of CONTENT_KEYS) if (key in attrs) consumed.add(key);

  // The inference-details event carries the same attributes as a span would.
  const details =
    events.length === 0
      ? undefined
      : events.find((e) => e.name === 'gen_ai.client.inference.operation.details');
  if (details) consumedEvents.add(details);
  const read = details ? Object.assign({}, details.attributes, attrs) : attrs;

  const operation = first(read, ['gen_ai.operation.name'], str);
  const model = first(read, MODEL_KEYS, str);
  const provider = first(read, PROVIDER_KEYS, str);
  const inputTokens = first(read, INPUT_TOKEN_KEYS, num);
  const outputTokens = first(read, OUTPUT_TOKEN_KEYS, num);
  const totalTokens =
    first(read, TOTAL_TOKEN_KEYS, num) ??
    (inputTokens !== null || outputTokens !== null ? (inputTokens ?? 0) + (outputTokens ?? 0) : null);
  const costUsd = first(read, COST_KEYS, num);

  let input: TraceMessage[] = [];
  let output: TraceMessage[] = [];
  const system = systemMessage(read['gen_ai.system_instructions']);
  if (read['gen_ai.input.messages'] !== undefined) input = toMessages(read['gen_ai.input.messages']);
  else if (flat['gen_ai.prompt.'])
    input = indexed(attrs, flat['gen_ai.prompt.'], 'gen_ai.prompt.').map((r) => flatMessage(r, 'user'));
  else if (flat['llm.input_messages.'])
    input = indexed(attrs, flat['llm.input_messages.'], 'llm.input_messages.').map((r) =>
      flatMessage(unprefix(r, 'message.'), 'user'),
    );
  else if (read['gen_ai.prompt'] !== undefined) input = toMessages(read['gen_ai.prompt']);
  if (system && !input.some((m) => m.role === 'system')) input.unshift(system);

  if (read['gen_ai.output.messages'] !== undefined)
    output = toMessages(read['gen_ai.output.messages'], 'assistant');
  else if (flat['gen_ai.completion.'])
    output = indexed(attrs, flat['gen_ai.completion.'], 'gen_ai.completion.').map((r) =>
      flatMessage(r, 'assistant'),
    );
  else if (flat['llm.output_messages.'])
    output = indexed(attrs, flat['llm.output_messages.'], 'llm.output_messages.').map((r) =>
      flatMessage(unprefix(r, 'message.'), 'assistant'),
    );
  else if (read['gen_ai.completion'] !== undefined)
    output = toMessages(read['gen_ai.completion'], 'assistant');

  // Per-message events (deprecated conventions): used when the attributes carried no messages.
  const fromEvents = messagesFromEvents(events, consumedEvents);
  if (input.length === 0) input = fromEvents.input;
  if (output.length === 0) output = fromEvents.output;

  const kindAttr = str(read['openinference.span.kind']);
  let kind: SpanKind =
    (kindAttr && OPENINFERENCE_KINDS[kindAttr.toUpperCase()]) ||
    (operation && OPERATION_KINDS[operation]) ||
    (model ? 'llm' : flat['retrieval.documents.'] ? 'retrieval' : 'span');
  if (kind === 'span' && (input.length > 0 || output.length > 0) && model) kind = 'llm';

  // Plain input/output values (OpenInference chains and tools, GenAI tool calls).
  if (input.length === 0) {
    const v = read['input.value'] ?? read['gen_ai.tool.call.arguments'];
    if (v !== undefined) input = [{ role: kind === 'llm' ? 'user' : 'input', content: text(v) }];
  }
  if (output.length === 0) {
    const v = read['output.value'] ?? read['gen_ai.tool.call.result'];
    if (v !== undefined) output = [{ role: kind === 'llm' ? 'assistant' : 'output', content: text(v) }];
  }

  const contexts: TraceContext[] = flat['retrieval.documents.']
    ? indexed(attrs, flat['retrieval.documents.'], 'retrieval.documents.').map((r) => {
        const c: TraceContext = { content: text(r['document.content'] ?? '') };
        const id = str(r['document.id']);
        if (id !== null) c.id = id;
        const score = num(r['document.score']);
        if (score !== null) c.score = score;
        return c;
      })
    : [];

  const evaluations = [];
  for (const e of events) {
    if (e.name !== 'gen_ai.evaluation.result') continue;
    consumedEvents.add(e);
    evaluations.push({
      name: str(e.attributes['gen_ai.evaluation.name']) ?? 'evaluation',
      value: num(e.attributes['gen_ai.evaluation.score.value']),
      label: str(e.attributes['gen_ai.evaluation.score.label']),
      explanation: str(e.attributes['gen_ai.evaluation.explanation']),
    });
  }

  return {
    kind,
    model,
    provider,
    operation,
    inputTokens,
    outputTokens,
    totalTokens,
    costUsd,
    input,
    output,
    contexts,
    sessionId: first(read, SESSION_KEYS, str),
    userId: first(read, USER_KEYS, str),
    segment: first(read, SEGMENT_KEYS, str),
    promptVersion: first(read, PROMPT_VERSION_KEYS, str),
    evaluations,
    consumed,
    consumedEvents,
  };
}

function unprefix(r: Record<string, unknown>, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) out[k.startsWith(prefix) ? k.slice(prefix.length) : k] = v;
  return out;
}

/**
 * `gen_ai.{system,user,assistant,tool}.message` and `gen_ai.choice` span events. Instrumentations
 * put the event body's fields in attributes (`content`, `message`, `tool_calls`) or the whole body
 * as JSON in `gen_ai.event.content`.
 */
function messagesFromEvents(events: SpanEvent[], consumed: Set<SpanEvent>) {
  const input: TraceMessage[] = [];
  const output: TraceMessage[] = [];
  for (const e of events) {
    const role = ROLE_EVENTS[e.name];
    if (role === undefined && e.name !== 'gen_ai.choice') continue;
    consumed.add(e);
    const a = e.attributes;
    const rawBody = a['gen_ai.event.content'] ?? a.body;
    const body = typeof rawBody === 'string' ? (safeJson(rawBody) ?? rawBody) : rawBody;
    if (role !== undefined) {
      const raw = body ?? { role: a.role ?? role, content: a.content ?? '', tool_calls: a.tool_calls };
      input.push(toMessage(raw, role));
    } else {
      const parsed = body !== undefined ? toMessage(body, 'assistant') : undefined;
      const inner = parsed?.content === '' && body !== undefined ? innerMessage(body) : undefined;
      const message = inner ?? parsed ?? toMessage(a.message ?? { content: a.content ?? '' }, 'assistant');
      const finish = a.finish_reason ?? (body as { finish_reason?: unknown } | undefined)?.finish_reason;
      if (typeof finish === 'string') message.finishReason = finish;
      output.push(message);
    }
  }
  return { input, output };
}

/** A `gen_ai.choice` body: `{ index, finish_reason, message: { role, content } }`. */
function innerMessage(body: unknown): TraceMessage | undefined {
  const b = typeof body === 'string' ? safeJson(body) : body;
  const message = (b as { message?: unknown } | undefined)?.message;
  return message === undefined ? undefined : toMessage(message, 'assistant');
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
