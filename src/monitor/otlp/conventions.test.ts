import { describe, expect, it } from 'vitest';
import { interpret, type SpanEvent } from './conventions.js';

const ev = (name: string, attributes: Record<string, unknown>): SpanEvent => ({
  name,
  timeMs: 1,
  attributes,
});

describe('interpret', () => {
  it('reads the inference-details event like span attributes', () => {
    const it_ = interpret({ 'gen_ai.operation.name': 'chat' }, [
      ev('gen_ai.client.inference.operation.details', {
        'gen_ai.request.model': 'gpt-4.1',
        'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'hi' }] }],
        'gen_ai.output.messages': [{ role: 'assistant', parts: [{ type: 'text', content: 'hello' }] }],
      }),
    ]);
    expect([it_.kind, it_.model]).toEqual(['llm', 'gpt-4.1']);
    expect(it_.input).toEqual([{ role: 'user', content: 'hi' }]);
    expect(it_.output[0]!.content).toBe('hello');
  });

  it('reads per-message events whose body is JSON in gen_ai.event.content', () => {
    const it_ = interpret({ 'gen_ai.request.model': 'm' }, [
      ev('gen_ai.user.message', { 'gen_ai.event.content': '{"content":"question?"}' }),
      ev('gen_ai.choice', {
        'gen_ai.event.content':
          '{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"answer."}}',
      }),
    ]);
    expect(it_.input).toEqual([{ role: 'user', content: 'question?' }]);
    expect(it_.output).toEqual([{ role: 'assistant', content: 'answer.', finishReason: 'stop' }]);
  });

  it('reads OpenInference multi-part contents and tool calls', () => {
    const it_ = interpret(
      {
        'openinference.span.kind': 'LLM',
        'llm.model_name': 'claude-3-5-sonnet',
        'llm.input_messages.0.message.role': 'user',
        'llm.input_messages.0.message.contents.0.message_content.type': 'text',
        'llm.input_messages.0.message.contents.0.message_content.text': 'Weather in ',
        'llm.input_messages.0.message.contents.1.message_content.text': 'Paris?',
        'llm.output_messages.0.message.role': 'assistant',
        'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'get_weather',
        'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"city":"Paris"}',
      },
      [],
    );
    expect(it_.input[0]!.content).toBe('Weather in Paris?');
    expect(it_.output[0]!.toolCalls).toEqual([
      { 'function.name': 'get_weather', 'function.arguments': '{"city":"Paris"}' },
    ]);
    expect(it_.consumed.has('llm.input_messages.0.message.role')).toBe(true);
  });

  it('reads the prompt version under Assay, GenAI-style, OpenInference and Langfuse names, and keeps it', () => {
    const of = (attrs: Record<string, unknown>) => interpret({ 'gen_ai.request.model': 'm', ...attrs }, []);
    expect(of({ 'assay.prompt.version': 'v3', 'gen_ai.prompt.version': 'v2' }).promptVersion).toBe('v3');
    expect(of({ 'gen_ai.prompt.version': 'v2' }).promptVersion).toBe('v2');
    expect(of({ 'llm.prompt_template.version': 'v1.0' }).promptVersion).toBe('v1.0');
    expect(of({ 'langfuse.observation.prompt.version': 7 }).promptVersion).toBe('7');
    expect(of({}).promptVersion).toBeNull();
    // Not a flattened prompt message: the JSON prompt is still read, and the version stays an attribute.
    const it_ = of({ 'gen_ai.prompt.version': 'v2', 'gen_ai.prompt': '[{"role":"user","content":"hi"}]' });
    expect(it_.input).toEqual([{ role: 'user', content: 'hi' }]);
    expect(it_.consumed.has('gen_ai.prompt.version')).toBe(false);
  });

  it('a span with no known attribute is a plain span and nothing is consumed', () => {
    const it_ = interpret({ 'http.method': 'GET' }, []);
    expect([it_.kind, it_.model, it_.input, it_.consumed.size]).toEqual(['span', null, [], 0]);
  });
});
