import { z } from 'zod';

const providerString = z
  .string()
  .regex(/^[a-z][\w-]*:.+$/, 'expected "local" or "family:model", e.g. openai:text-embedding-3-small');

/**
 * How an embedder is named in assay.yaml: `local` (the built-in offline embedder), a provider string
 * (`openai:text-embedding-3-small`), or an object with a target's keys plus `batchSize`.
 */
export const embedderSpecSchema = z.union([
  z.literal('local'),
  providerString,
  z.strictObject({
    provider: z.union([z.literal('local'), providerString]),
    baseURL: z.url().optional(),
    apiKey: z.string().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    timeoutMs: z.number().int().positive().optional(),
    /** Texts per request to a remote API (default 64); the local embedder takes all at once. */
    batchSize: z.number().int().positive().max(10_000).optional(),
  }),
]);

export type EmbedderSpec = z.output<typeof embedderSpecSchema>;
export type EmbedderObjectSpec = Exclude<EmbedderSpec, string>;

/** The object form of any spec. */
export function toObjectSpec(spec: EmbedderSpec): EmbedderObjectSpec {
  return typeof spec === 'string' ? { provider: spec } : spec;
}

/** Equal for specs that build the same embedder; an in-memory key only, never stored or printed. */
export function specKey(spec: EmbedderSpec): string {
  const o = toObjectSpec(spec);
  return JSON.stringify([o.provider, o.baseURL, o.apiKey, o.headers, o.timeoutMs, o.batchSize]);
}
