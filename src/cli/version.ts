import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** Assay's own version, from its package.json (two levels above both src/cli and dist/cli). */
export function assayVersion(): string {
  cached ??= (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
  return cached;
}
