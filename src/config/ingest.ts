import { z } from 'zod';
import { embedderSpecSchema } from '../embeddings/spec.js';

/**
 * The `ingest:` section, read by `assay serve -c FILE`. `redact` masks what the safety detectors
 * find in ingested content before it is stored; `content: false` keeps metadata only (models,
 * tokens, latency, cost, errors, tags), never a message text.
 */
/**
 * `ingest.signals`: the implicit signals' thresholds (docs/serve.md, "Signals"). A next message within
 * `windowSeconds` of the reply is a retry (same text) or a rephrase (cosine ≥ `rephraseThreshold`);
 * no message for `abandonMinutes` after a reply ends the conversation.
 */
export const signalsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  windowSeconds: z.number().positive().default(120),
  rephraseThreshold: z.number().min(-1).max(1).default(0.8),
  abandonMinutes: z.number().positive().default(30),
  /** The embedder of the rephrase cosine: `local` (offline, the default) or as `embedder:` elsewhere. */
  embedder: embedderSpecSchema.default('local'),
});

export const ingestSchema = z.strictObject({
  redact: z.array(z.enum(['pii', 'secrets'])).default([]),
  content: z.boolean().default(true),
  signals: signalsSchema.optional(),
});

export type IngestConfig = z.output<typeof ingestSchema>;
