import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadIngestConfig } from '../src/config/load-ingest.js';

async function configFile(text: string) {
  const file = join(await mkdtemp(join(tmpdir(), 'assay-signals-')), 'assay.yaml');
  await writeFile(file, text);
  return file;
}

describe('ingest.signals', () => {
  it('reads the thresholds, with defaults for the keys left out', async () => {
    const file = await configFile('ingest:\n  signals:\n    windowSeconds: 60\n    rephraseThreshold: 0.9\n');
    expect((await loadIngestConfig(file)).signals).toEqual({
      enabled: true,
      windowSeconds: 60,
      rephraseThreshold: 0.9,
      abandonMinutes: 30,
      embedder: 'local',
    });
  });

  it('names another embedder for the rephrase cosine', async () => {
    const file = await configFile('ingest:\n  signals:\n    embedder: openai:text-embedding-3-small\n');
    expect((await loadIngestConfig(file)).signals?.embedder).toBe('openai:text-embedding-3-small');
  });

  it('a bad value is an error naming the file, line and field', async () => {
    const file = await configFile('ingest:\n  signals:\n    abandonMinutes: -5\n');
    await expect(loadIngestConfig(file)).rejects.toMatchObject({
      code: 'config.invalid',
      file,
      line: 3,
      field: 'ingest.signals.abandonMinutes',
    });
  });
});
