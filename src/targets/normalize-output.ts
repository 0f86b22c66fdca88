import { AssayError } from '../core/errors.js';
import type { Context, ToolCall, Usage } from '../core/output.js';
import type { TargetOutput } from '../core/target.js';
import { normalizeOpenAIToolCall } from '../providers/openai.js';

/** Contexts as strings, `{id, text}`, or `{id, content}` objects. */
export function normalizeContexts(value: unknown): Context[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new AssayError('target.failed', 'contexts must be a list');
  return value.map((c, i) => {
    if (typeof c === 'string') return { text: c };
    if (c && typeof c === 'object') {
      const o = c as Record<string, unknown>;
      const text = o.text ?? o.content ?? o.pageContent ?? '';
      return {
        ...(o.id !== undefined ? { id: String(o.id) } : {}),
        text: typeof text === 'string' ? text : JSON.stringify(text),
        ...(typeof o.score === 'number' ? { score: o.score } : {}),
      };
    }
    throw new AssayError('target.failed', `contexts[${i}] must be a string or {id, text}`);
  });
}

/** Tool calls in the OpenAI shape, the Anthropic `tool_use` shape, or plain `{name, arguments}`. */
export function normalizeToolCalls(value: unknown): ToolCall[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new AssayError('target.failed', 'toolCalls must be a list');
  return value.map((t) => {
    const o = (t ?? {}) as Record<string, unknown>;
    if (o.function && typeof o.function === 'object') return normalizeOpenAIToolCall(o as never);
    if (o.type === 'tool_use') {
      return { ...(o.id ? { id: String(o.id) } : {}), name: String(o.name ?? ''), arguments: o.input ?? {} };
    }
    return {
      ...(o.id ? { id: String(o.id) } : {}),
      name: String(o.name ?? ''),
      arguments: o.arguments ?? o.args ?? o.input ?? {},
    };
  });
}

function normalizeUsage(value: unknown): Usage | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const u = value as Record<string, unknown>;
  const input = Number(u.inputTokens ?? u.prompt_tokens ?? u.input_tokens ?? 0);
  const output = Number(u.outputTokens ?? u.completion_tokens ?? u.output_tokens ?? 0);
  return {
    inputTokens: Number.isFinite(input) ? input : 0,
    outputTokens: Number.isFinite(output) ? output : 0,
  };
}

/**
 * What an app returns — a string, or `{ output, contexts?, toolCalls?, usage? }` — as a target output.
 * Anything else the object carries is kept as metadata for the report.
 */
export function normalizeAppOutput(value: unknown): TargetOutput {
  if (typeof value === 'string') return { text: value };
  if (value === null || value === undefined) return { text: '' };
  if (typeof value !== 'object' || Array.isArray(value)) return { text: JSON.stringify(value) };
  const { output, text, contexts, toolCalls, tool_calls, usage, costUsd, prompt, ...rest } = value as Record<
    string,
    unknown
  >;
  const answer = output ?? text ?? '';
  const out: TargetOutput = { text: typeof answer === 'string' ? answer : JSON.stringify(answer) };
  const ctx = normalizeContexts(contexts);
  if (ctx) out.contexts = ctx;
  const tools = normalizeToolCalls(toolCalls ?? tool_calls);
  if (tools) out.toolCalls = tools;
  const u = normalizeUsage(usage);
  if (u) out.usage = u;
  if (typeof costUsd === 'number') out.costUsd = costUsd;
  // The messages the app sent its model, so leakage checks and reports can see the system prompt.
  if (prompt !== undefined) out.prompt = prompt;
  if (Object.keys(rest).length > 0) out.metadata = rest;
  return out;
}
