import { z } from 'zod';
import { PROJECT_NAME } from '../core/run.js';
import { embedderSpecSchema } from '../embeddings/spec.js';
import { gatesSchema } from '../gates/schema.js';
import { ingestSchema } from './ingest.js';
import { monitorSchema } from './monitor.js';

const message = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
});

/** A prompt: inline template text, a template file (.njk, .txt, .md, .jinja), or chat messages. */
export const promptSchema = z.union([z.string().min(1), z.array(message).min(1)]);

const price = z.object({
  /** USD per million input tokens. */
  input: z.number().nonnegative(),
  /** USD per million output tokens. */
  output: z.number().nonnegative(),
});

// Targets are strict: a misspelt key (`baseUrl`, `apikey`) must fail, not send requests elsewhere.
const common = {
  id: z.string().min(1).optional(),
  timeoutMs: z.number().int().positive().optional(),
};

export const modelTargetSchema = z.strictObject({
  ...common,
  provider: z.string().regex(/^[a-z][\w-]*:.+$/, 'expected "family:model", e.g. openai:gpt-4o-mini'),
  baseURL: z.url().optional(),
  apiKey: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  prompt: promptSchema.optional(),
  /** Cap on this provider's concurrent requests; the adaptive limiter stays under it. */
  concurrency: z.number().int().positive().optional(),
  price: price.optional(),
});

export const functionTargetSchema = z.strictObject({
  ...common,
  provider: z.literal('function'),
  module: z.string().regex(/^.+#[\w$]+$/, 'expected "file#exportName", e.g. ./app.mjs#answer'),
  /** The export is a promptfoo provider class, constructed with `{ id, config }` (see docs/promptfoo.md). */
  promptfooProvider: z
    .strictObject({ id: z.string().min(1), config: z.record(z.string(), z.unknown()).optional() })
    .optional(),
  /** The prompt a promptfoo provider is handed, rendered for each case. */
  prompt: promptSchema.optional(),
});

export const httpTargetSchema = z.strictObject({
  ...common,
  provider: z.literal('http'),
  url: z.string().min(1),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH']).default('POST'),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.unknown().optional(),
  /** Dot path to the answer in the JSON response (`answer.text`, `choices.0.message.content`). */
  output: z.string().optional(),
  contexts: z.string().optional(),
  toolCalls: z.string().optional(),
  concurrency: z.number().int().positive().optional(),
});

/** Picks the target schema from `provider`, so errors speak of the fields of that kind of target. */
export function targetSchemaFor(provider: unknown) {
  if (provider === 'function') return functionTargetSchema;
  if (provider === 'http') return httpTargetSchema;
  return modelTargetSchema;
}

const targetSchema = z.union([functionTargetSchema, httpTargetSchema, modelTargetSchema]);
const targetShape = z.looseObject({ provider: z.string().min(1) });

/** Evaluators are validated by their own factories; here only the `type` is required. */
export const evaluatorConfigSchema = z.looseObject({
  type: z.string().min(1),
  name: z.string().optional(),
});

export const configSchema = z.strictObject({
  description: z.string().optional(),
  /** The project runs of this suite are stored under (`default`); `assay eval --project` overrides it. */
  project: z
    .string()
    .regex(PROJECT_NAME, 'a project name: letters, digits, ".", "_" or "-" (at most 64)')
    .optional(),
  /** A dataset file, or the cases written in the config itself (`{ name?, cases: [...] }`). */
  dataset: z.union([
    z.string().min(1),
    z.strictObject({ path: z.string().min(1), name: z.string().optional() }),
    z.strictObject({ name: z.string().min(1).optional(), cases: z.array(z.unknown()).min(1) }),
  ]),
  prompt: promptSchema.optional(),
  targets: z.array(targetShape).min(1),
  evaluators: z.array(evaluatorConfigSchema).default([]),
  concurrency: z.number().int().positive().max(10_000).default(16),
  timeoutMs: z.number().int().positive().default(60_000),
  retries: z.number().int().min(0).max(20).default(4),
  cache: z.boolean().default(true),
  gates: gatesSchema.default({}),
  pricing: z.record(z.string(), price).optional(),
  /** The embedder `similar` evaluators use unless they name their own (default `local`). */
  embedder: embedderSpecSchema.optional(),
  judge: z.unknown().optional(),
  /** The LLM that plays the user in cases with a `simulate: { persona, goal }` variable. */
  simulator: z
    .strictObject({
      provider: z.string().regex(/^[a-z][\w-]*:.+$/, 'expected "family:model"'),
      baseURL: z.url().optional(),
      apiKey: z.string().optional(),
      params: z.record(z.string(), z.unknown()).optional(),
      maxTurns: z.number().int().positive().max(100).default(6),
    })
    .optional(),
  /** Objectives of `assay load`: `"p95<5000,errors<1%"` or `{ p95: 5000, errors: "1%" }`. */
  slo: z.union([z.string().min(1), z.record(z.string(), z.union([z.number(), z.string()]))]).optional(),
  /** Target shares of the golden set's strata for `assay dataset health`: `{ type: { simple: 40% } }`. */
  strata: z
    .record(
      z.string(),
      z.record(
        z.string(),
        z.union([
          z.number().min(0).max(1),
          z
            .string()
            .regex(/^\d+(\.\d+)?%$/, 'expected a share like 40%')
            .transform((v) => Number(v.slice(0, -1)) / 100),
        ]),
      ),
    )
    .optional(),
  /** Production monitoring (`assay monitor`, `assay serve`): see src/config/monitor.ts. */
  monitor: monitorSchema.optional(),
  /** What `assay serve -c` does to ingested content before storing it: see src/config/ingest.ts. */
  ingest: ingestSchema.optional(),
});

export type ConfigInput = z.input<typeof configSchema>;
export type Config = Omit<z.output<typeof configSchema>, 'targets'> & { targets: TargetConfig[] };
export type TargetConfig = z.output<typeof targetSchema>;
export type ModelTargetConfig = z.output<typeof modelTargetSchema>;
export type FunctionTargetConfig = z.output<typeof functionTargetSchema>;
export type HttpTargetConfig = z.output<typeof httpTargetSchema>;
export type EvaluatorConfig = z.output<typeof evaluatorConfigSchema>;
export type Prompt = z.output<typeof promptSchema>;

/** Identity helper for `assay.config.ts`: `export default defineConfig({ ... })` with types. */
export function defineConfig(config: ConfigInput): ConfigInput {
  return config;
}

export const isFunctionTarget = (t: TargetConfig): t is FunctionTargetConfig => t.provider === 'function';
export const isHttpTarget = (t: TargetConfig): t is HttpTargetConfig => t.provider === 'http';
