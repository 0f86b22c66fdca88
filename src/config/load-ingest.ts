import { AssayError } from '../core/errors.js';
import { type IngestConfig, ingestSchema } from './ingest.js';
import { readRaw, zodFailure } from './load.js';

/** Reads the `ingest:` section of a config file (defaults when absent); errors name file, line and field. */
export async function loadIngestConfig(file: string): Promise<IngestConfig> {
  const { raw, lineOf } = await readRaw(file);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new AssayError('config.invalid', 'the config must be a mapping of keys (ingest, …)', { file });
  const parsed = ingestSchema.safeParse((raw as Record<string, unknown>).ingest ?? {});
  if (!parsed.success) zodFailure(parsed.error, file, lineOf, ['ingest']);
  return parsed.data;
}
