import { resolve } from 'node:path';
import { readRaw } from '../config/load.js';
import { AssayError } from '../core/errors.js';
import { convertPromptfoo } from '../promptfoo/convert.js';
import { convertedToYaml } from '../promptfoo/to-yaml.js';
import { EXIT } from './exit-codes.js';

/**
 * `assay import promptfoo promptfooconfig.yaml > assay.yaml`: the suite converted for good, its
 * tests inline, with comments on each mapping. Anything not carried over fails the import (exit 2).
 */
export async function importCommand(kind: string, file: string): Promise<number> {
  if (kind !== 'promptfoo') throw new AssayError('usage', `cannot import "${kind}" (known: promptfoo)`);
  const path = resolve(process.cwd(), file);
  const { raw, lineOf } = await readRaw(path);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new AssayError('config.invalid', 'a promptfoo config must be a mapping', { file: path });
  const converted = await convertPromptfoo(raw as Record<string, unknown>, path, lineOf, process.env);
  process.stdout.write(convertedToYaml(converted, file));
  return EXIT.ok;
}
