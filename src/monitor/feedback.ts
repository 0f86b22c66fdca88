import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AssayError } from '../core/errors.js';
import type { FeedbackRecord } from '../core/trace.js';

const time = z.union([
  z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not an ISO 8601 time'),
  z.number(),
]);

/**
 * `POST /api/v1/feedback`: thumbs (`value` 1 / -1), star ratings (`name: "stars"`, 1..5), free-text
 * corrections (`correction`), escalations to a human (`escalated: true`). `value` may be null when
 * the feedback is only a comment, a correction or an escalation.
 */
export const feedbackBody = z.strictObject({
  id: z.string().min(1).max(200).optional(),
  traceId: z.string().min(1).max(200),
  name: z.string().min(1).max(100).optional(),
  value: z.number().finite().nullable(),
  comment: z.string().max(10_000).optional(),
  correction: z.string().max(100_000).optional(),
  escalated: z.boolean().optional(),
  userId: z.string().max(200).optional(),
  timestamp: time.optional(),
});

export type FeedbackInput = z.infer<typeof feedbackBody>;

/** Validates one feedback body into a record of the key's project; a bad field is named. */
export function feedbackToRecord(body: unknown, projectId: string, nowMs: number): FeedbackRecord {
  const parsed = feedbackBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map(String).join('.') || 'body';
    throw new AssayError('input.invalid', `${field}: ${issue.message}`, { field });
  }
  const f = parsed.data;
  return {
    projectId,
    id: f.id ?? randomUUID(),
    traceId: f.traceId,
    name: f.name ?? 'thumbs',
    value: f.value,
    comment: f.comment ?? null,
    correction: f.correction ?? null,
    escalated: f.escalated ?? false,
    userId: f.userId ?? null,
    timestampMs:
      f.timestamp === undefined
        ? nowMs
        : typeof f.timestamp === 'number'
          ? f.timestamp
          : Date.parse(f.timestamp),
  };
}
