import type { TraceMessage } from '../../core/trace.js';

/**
 * Messages in the shapes GenAI instrumentations send them, reduced to `{ role, content }` with the
 * structure kept where there is more than text: the current `parts` shape of `gen_ai.input.messages`,
 * the older `{ role, content, tool_calls }`, OpenAI-style content arrays, and plain strings.
 */

function parseJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trimStart();
  if (t[0] !== '[' && t[0] !== '{') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** Text of any value: strings as they are, structures as JSON. */
export function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function partText(p: unknown): string | undefined {
  if (typeof p === 'string') return p;
  if (!p || typeof p !== 'object') return undefined;
  const part = p as Record<string, unknown>;
  if (
    part.type === 'text' ||
    part.type === undefined ||
    part.type === 'input_text' ||
    part.type === 'output_text'
  )
    return typeof part.content === 'string'
      ? part.content
      : typeof part.text === 'string'
        ? part.text
        : undefined;
  if (part.type === 'tool_call_response') return text(part.response ?? part.result);
  return undefined;
}

/** One message in any of the shapes above; `role` when the source did not say. */
export function toMessage(raw: unknown, role = 'user'): TraceMessage {
  raw = parseJson(raw);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    if (Array.isArray(raw)) return { role, content: raw.map((p) => partText(p) ?? '').join(''), parts: raw };
    return { role, content: text(raw) };
  }
  const m = raw as Record<string, unknown>;
  const msg: TraceMessage = { role: typeof m.role === 'string' ? m.role : role, content: '' };
  const toolCalls: unknown[] = [];
  if (Array.isArray(m.parts)) {
    const texts: string[] = [];
    for (const p of m.parts) {
      const t = partText(p);
      if (t !== undefined) texts.push(t);
      else if ((p as { type?: unknown })?.type === 'tool_call') toolCalls.push(p);
    }
    msg.content = texts.join('');
    if (m.parts.some((p) => (p as { type?: unknown })?.type !== 'text')) msg.parts = m.parts;
  } else if (Array.isArray(m.content)) {
    msg.content = m.content.map((p) => partText(p) ?? '').join('');
    msg.parts = m.content;
  } else {
    msg.content = text(m.content ?? m.text ?? '');
  }
  const calls = parseJson(m.tool_calls ?? m.toolCalls);
  if (Array.isArray(calls)) toolCalls.push(...calls);
  if (toolCalls.length > 0) msg.toolCalls = toolCalls;
  const finish = m.finish_reason ?? m.finishReason;
  if (typeof finish === 'string') msg.finishReason = finish;
  return msg;
}

/** A list of messages: a JSON string or a structured array; a single string is one message. */
export function toMessages(raw: unknown, role = 'user'): TraceMessage[] {
  raw = parseJson(raw);
  if (raw === null || raw === undefined || raw === '') return [];
  if (Array.isArray(raw)) return raw.map((m) => toMessage(m, role));
  if (typeof raw === 'object' && Array.isArray((raw as { messages?: unknown }).messages))
    return toMessages((raw as { messages: unknown[] }).messages, role);
  return [toMessage(raw, role)];
}

/** `gen_ai.system_instructions`: a list of parts or a string, as one system message. */
export function systemMessage(raw: unknown): TraceMessage | undefined {
  raw = parseJson(raw);
  if (raw === null || raw === undefined || raw === '') return undefined;
  if (Array.isArray(raw)) return { role: 'system', content: raw.map((p) => partText(p) ?? '').join('\n') };
  return { role: 'system', content: text(raw) };
}

/**
 * Groups flattened attributes `prefix.N.rest` into per-index records (`gen_ai.prompt.0.role`,
 * `llm.input_messages.1.message.content`…), in index order.
 */
export function indexed(
  attrs: Record<string, unknown>,
  keys: string[],
  prefix: string,
): Record<string, unknown>[] {
  const byIndex = new Map<number, Record<string, unknown>>();
  for (const key of keys) {
    const rest = key.slice(prefix.length);
    const dot = rest.indexOf('.');
    const index = Number(dot < 0 ? rest : rest.slice(0, dot));
    if (!Number.isInteger(index)) continue;
    let record = byIndex.get(index);
    if (!record) {
      record = {};
      byIndex.set(index, record);
    }
    record[dot < 0 ? '' : rest.slice(dot + 1)] = attrs[key];
  }
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
}

/** A flattened message record (`role`, `content`, `tool_calls.0.…`) as a message. */
export function flatMessage(r: Record<string, unknown>, role: string, contentKey = 'content'): TraceMessage {
  const msg: TraceMessage = {
    role: typeof r.role === 'string' ? r.role : role,
    content: text(r[contentKey] ?? ''),
  };
  if (msg.content === '') {
    // OpenInference multi-part: contents.N.message_content.text
    const parts = Object.keys(r)
      .filter((k) => k.startsWith('contents.') && k.endsWith('.message_content.text'))
      .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
    msg.content = parts.map((k) => text(r[k])).join('');
  }
  const calls = new Map<string, Record<string, unknown>>();
  for (const k of Object.keys(r)) {
    const m = /^tool_calls\.(\d+)\.(.+)$/.exec(k);
    if (!m) continue;
    const call = calls.get(m[1]!) ?? {};
    call[m[2]!.replace(/^tool_call\./, '')] = r[k];
    calls.set(m[1]!, call);
  }
  if (calls.size > 0)
    msg.toolCalls = [...calls.entries()].sort((a, b) => Number(a[0]) - Number(b[0])).map(([, c]) => c);
  const finish = r.finish_reason;
  if (typeof finish === 'string') msg.finishReason = finish;
  return msg;
}
