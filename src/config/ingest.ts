import { z } from 'zod';

/**
 * The `ingest:` section, read by `assay serve -c FILE`. `redact` masks what the safety detectors
 * find in ingested content before it is stored; `content: false` keeps metadata only (models,
 * tokens, latency, cost, errors, tags), never a message text.
 */
export const ingestSchema = z.strictObject({
  redact: z.array(z.enum(['pii', 'secrets'])).default([]),
  content: z.boolean().default(true),
});

export type IngestConfig = z.output<typeof ingestSchema>;
