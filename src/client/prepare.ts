import { randomUUID } from 'node:crypto';

/** A serialized item, or why it cannot be sent. */
export type Prepared = { json: string } | { invalid: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isContent = (v: unknown) => typeof v === 'string' || Array.isArray(v);

/**
 * Checks what the server would refuse outright (so one bad event does not cost its whole batch),
 * fills `id` and `timestamp` (start = now − `latencyMs`), and serializes now, so a caller mutating
 * the object later changes nothing. Throws on hostile input (getters, proxies, cycles): the caller catches.
 */
export function prepareEvent(event: unknown, nowMs: number): Prepared {
  if (!isRecord(event)) return { invalid: 'event: expected an object' };
  const e: Record<string, unknown> = { ...event };
  if (e.type === undefined) e.type = 'generation';
  if (e.type !== 'generation') return { invalid: `event.type: expected "generation", got ${String(e.type)}` };
  if (typeof e.model !== 'string' || e.model === '') return { invalid: 'event.model: expected a model name' };
  if (!isContent(e.input)) return { invalid: 'event.input: expected text or messages' };
  if (!isContent(e.output)) return { invalid: 'event.output: expected text or messages' };
  if (
    e.promptVersion !== undefined &&
    (typeof e.promptVersion !== 'string' || e.promptVersion === '' || e.promptVersion.length > 200)
  )
    return { invalid: 'event.promptVersion: expected text of 1 to 200 characters' };
  if (e.id === undefined) e.id = randomUUID();
  if (e.timestamp === undefined) {
    const latency = typeof e.latencyMs === 'number' && Number.isFinite(e.latencyMs) ? e.latencyMs : 0;
    e.timestamp = new Date(nowMs - latency).toISOString();
  }
  return { json: JSON.stringify(e) };
}

/** Like `prepareEvent` for a feedback: `traceId` needed, `id` filled (so a retry is stored once). */
export function prepareFeedback(feedback: unknown, nowMs: number): Prepared {
  if (!isRecord(feedback)) return { invalid: 'feedback: expected an object' };
  const f: Record<string, unknown> = { ...feedback };
  if (typeof f.traceId !== 'string' || f.traceId === '')
    return { invalid: 'feedback.traceId: expected a trace id' };
  if (f.value === undefined) f.value = null;
  if (f.value !== null && (typeof f.value !== 'number' || !Number.isFinite(f.value)))
    return { invalid: 'feedback.value: expected a number or null' };
  if (f.id === undefined) f.id = randomUUID();
  if (f.timestamp === undefined) f.timestamp = new Date(nowMs).toISOString();
  return { json: JSON.stringify(f) };
}
