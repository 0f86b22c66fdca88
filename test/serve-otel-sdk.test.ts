import { context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as HttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/monitor/api-keys.js';
import { type RunningServer, startServer } from '../src/server/main.js';
import { tempDir } from './helpers/suite.js';

/**
 * An app instrumented with the official OpenTelemetry JS SDK (sdk-trace-base 2.x, exporters 0.223,
 * the last line that runs on Node 20) exports to a real `assay serve`; every span is read back.
 */

let server: RunningServer;
let key: string;
const dir = tempDir('assay-otel-');

beforeAll(async () => {
  server = await startServer({ port: 0, db: `${dir.dir}/assay.db`, print: () => {} });
  key = (await createApiKey(server.store, 'otel')).token;
});
afterAll(async () => {
  await server?.close();
  dir.cleanup();
});

interface ReadSpan {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: string;
  model: string | null;
  provider: string | null;
  usage: { inputTokens: number | null; outputTokens: number | null };
  inputText: string;
  outputText: string;
  input: { role: string; content: string }[];
  output: { role: string; content: string }[];
  contexts: { content: string; id?: string; score?: number }[];
  sessionId: string | null;
  userId: string | null;
  scores: { name: string; value: number | null; label: string | null; explanation: string | null }[];
  attributes: Record<string, unknown>;
}

async function readTrace(traceId: string): Promise<{ spans: ReadSpan[] }> {
  const res = await fetch(`${server.url}/api/v1/traces/${traceId}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { spans: ReadSpan[] };
}

/** One request of an instrumented app, in each naming: returns its trace id. */
async function emit(exporter: SpanExporter): Promise<string> {
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('test-app');
  const root = tracer.startSpan('handle question', {
    attributes: { 'openinference.span.kind': 'AGENT', 'session.id': 'sess-42', 'user.id': 'user-7' },
  });
  const ctx = trace.setSpan(context.active(), root);

  const current = tracer.startSpan(
    'chat gpt-4o',
    {
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.response.model': 'gpt-4o-2024-08-06',
        'gen_ai.request.temperature': 0.2,
        'gen_ai.usage.input_tokens': 31,
        'gen_ai.usage.output_tokens': 9,
        'gen_ai.conversation.id': 'sess-42',
        'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Answer briefly.' }]),
        'gen_ai.input.messages': JSON.stringify([
          { role: 'user', parts: [{ type: 'text', content: 'What is the capital of France?' }] },
        ]),
        'gen_ai.output.messages': JSON.stringify([
          { role: 'assistant', parts: [{ type: 'text', content: 'Paris.' }], finish_reason: 'stop' },
        ]),
      },
    },
    ctx,
  );
  current.addEvent('gen_ai.evaluation.result', {
    'gen_ai.evaluation.name': 'relevance',
    'gen_ai.evaluation.score.value': 0.9,
    'gen_ai.evaluation.score.label': 'relevant',
    'gen_ai.evaluation.explanation': 'answers the question',
  });
  current.end();

  const deprecated = tracer.startSpan(
    'anthropic.chat',
    {
      attributes: {
        'gen_ai.system': 'anthropic',
        'gen_ai.request.model': 'claude-3-5-haiku',
        'gen_ai.usage.prompt_tokens': 40,
        'gen_ai.usage.completion_tokens': 12,
        'gen_ai.prompt.0.role': 'system',
        'gen_ai.prompt.0.content': 'Be terse.',
        'gen_ai.prompt.1.role': 'user',
        'gen_ai.prompt.1.content': 'Largest ocean?',
        'gen_ai.completion.0.role': 'assistant',
        'gen_ai.completion.0.content': 'The Pacific.',
        'gen_ai.completion.0.finish_reason': 'stop',
      },
    },
    ctx,
  );
  deprecated.end();

  const events = tracer.startSpan(
    'chat mistral',
    { attributes: { 'gen_ai.system': 'mistral_ai', 'gen_ai.request.model': 'mistral-small' } },
    ctx,
  );
  events.addEvent('gen_ai.system.message', { content: 'You are helpful.' });
  events.addEvent('gen_ai.user.message', { content: 'Two plus two?' });
  events.addEvent('gen_ai.choice', {
    index: 0,
    finish_reason: 'stop',
    message: JSON.stringify({ role: 'assistant', content: 'Four.' }),
  });
  events.end();

  const retriever = tracer.startSpan(
    'retrieve',
    {
      attributes: {
        'openinference.span.kind': 'RETRIEVER',
        'input.value': 'capital of France',
        'retrieval.documents.0.document.id': 'doc-1',
        'retrieval.documents.0.document.content': 'Paris is the capital of France.',
        'retrieval.documents.0.document.score': 0.92,
      },
    },
    ctx,
  );
  retriever.end();

  const openinference = tracer.startSpan(
    'ChatCompletion',
    {
      attributes: {
        'openinference.span.kind': 'LLM',
        'llm.model_name': 'gpt-4o-mini',
        'llm.provider': 'openai',
        'llm.token_count.prompt': 50,
        'llm.token_count.completion': 5,
        'llm.token_count.total': 55,
        'session.id': 'sess-42',
        'llm.input_messages.0.message.role': 'user',
        'llm.input_messages.0.message.content': 'Translate "hello" to French.',
        'llm.output_messages.0.message.role': 'assistant',
        'llm.output_messages.0.message.content': 'Bonjour.',
        'input.value': '{"messages": "raw"}',
        'output.value': 'Bonjour.',
      },
    },
    ctx,
  );
  openinference.end();

  const tool = tracer.startSpan(
    'execute_tool get_weather',
    {
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'get_weather',
        'gen_ai.tool.call.arguments': '{"city":"Paris"}',
        'gen_ai.tool.call.result': '{"temp":21}',
      },
    },
    ctx,
  );
  tool.end();

  root.end();
  await provider.forceFlush();
  await provider.shutdown();
  return root.spanContext().traceId;
}

function check(spans: ReadSpan[]): void {
  const by = (name: string) => spans.find((s) => s.name === name)!;
  expect(spans).toHaveLength(7);
  const root = by('handle question');
  expect(root.kind).toBe('agent');
  expect(root.parentSpanId).toBeNull();
  for (const s of spans) if (s !== root) expect(s.parentSpanId).toBe(root.spanId);

  const current = by('chat gpt-4o');
  expect([current.kind, current.model, current.provider]).toEqual(['llm', 'gpt-4o-2024-08-06', 'openai']);
  expect(current.usage).toMatchObject({ inputTokens: 31, outputTokens: 9 });
  expect(current.input).toEqual([
    { role: 'system', content: 'Answer briefly.' },
    { role: 'user', content: 'What is the capital of France?' },
  ]);
  expect(current.outputText).toBe('Paris.');
  expect(current.sessionId).toBe('sess-42');
  expect(current.attributes['gen_ai.request.temperature']).toBe(0.2);
  expect(current.scores).toEqual([
    { name: 'relevance', value: 0.9, label: 'relevant', explanation: 'answers the question', source: 'otlp' },
  ]);

  const deprecated = by('anthropic.chat');
  expect([deprecated.model, deprecated.provider]).toEqual(['claude-3-5-haiku', 'anthropic']);
  expect(deprecated.usage).toMatchObject({ inputTokens: 40, outputTokens: 12 });
  expect(deprecated.input.map((m) => [m.role, m.content])).toEqual([
    ['system', 'Be terse.'],
    ['user', 'Largest ocean?'],
  ]);
  expect(deprecated.outputText).toBe('The Pacific.');

  const events = by('chat mistral');
  expect([events.model, events.provider]).toEqual(['mistral-small', 'mistral_ai']);
  expect(events.input.map((m) => [m.role, m.content])).toEqual([
    ['system', 'You are helpful.'],
    ['user', 'Two plus two?'],
  ]);
  expect(events.outputText).toBe('Four.');

  const retriever = by('retrieve');
  expect(retriever.kind).toBe('retrieval');
  expect(retriever.contexts).toEqual([
    { content: 'Paris is the capital of France.', id: 'doc-1', score: 0.92 },
  ]);
  expect(retriever.inputText).toBe('capital of France');

  const oi = by('ChatCompletion');
  expect([oi.kind, oi.model, oi.provider]).toEqual(['llm', 'gpt-4o-mini', 'openai']);
  expect(oi.usage).toMatchObject({ inputTokens: 50, outputTokens: 5 });
  expect(oi.inputText).toBe('Translate "hello" to French.');
  expect(oi.outputText).toBe('Bonjour.');
  expect(oi.sessionId).toBe('sess-42');

  const tool = by('execute_tool get_weather');
  expect(tool.kind).toBe('tool');
  expect([tool.inputText, tool.outputText]).toEqual(['{"city":"Paris"}', '{"temp":21}']);
  expect(tool.attributes['gen_ai.tool.name']).toBe('get_weather');
}

describe('the official OpenTelemetry JS SDK exporting to assay serve', () => {
  it('OTLP/HTTP protobuf (exporter-trace-otlp-proto): every span read back with its fields', async () => {
    const traceId = await emit(
      new ProtobufExporter({ url: `${server.url}/v1/traces`, headers: { authorization: `Bearer ${key}` } }),
    );
    check((await readTrace(traceId)).spans);
  });

  it('OTLP/HTTP JSON (exporter-trace-otlp-http), key in x-api-key: the same', async () => {
    const traceId = await emit(
      new HttpJsonExporter({ url: `${server.url}/v1/traces`, headers: { 'x-api-key': key } }),
    );
    check((await readTrace(traceId)).spans);
    const list = await fetch(`${server.url}/api/v1/traces?sessionId=sess-42`, {
      headers: { 'x-api-key': key },
    });
    const body = (await list.json()) as { traces: { traceId: string; spanCount: number }[] };
    expect(body.traces.map((t) => t.traceId)).toContain(traceId);
  });
});
