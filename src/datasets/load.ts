import { basename, extname } from 'node:path';
import type { Case } from '../core/case.js';
import type { Dataset } from '../core/dataset.js';
import { AssayError } from '../core/errors.js';
import { readTextFile } from '../util/text-file.js';
import { parseCsv } from './csv.js';
import { parseJsonl } from './jsonl.js';
import { checkUniqueIds, normalizeRow } from './normalize.js';
import type { RawRow } from './raw-row.js';
import { datasetVersion } from './version.js';
import { parseYamlCases } from './yaml.js';

const READERS: Record<string, (text: string, file: string) => RawRow[]> = {
  '.jsonl': parseJsonl,
  '.ndjson': parseJsonl,
  '.csv': parseCsv,
  '.yaml': parseYamlCases,
  '.yml': parseYamlCases,
  '.json': (text, file) => parseYamlCases(text, file),
};

/** Parses dataset text; every row is checked before anything else happens. */
export function parseDataset(text: string, file: string, name = datasetName(file)): Dataset {
  const reader = READERS[extname(file).toLowerCase()];
  if (!reader) {
    throw new AssayError('dataset.parse', `unsupported dataset format (use .jsonl, .csv or .yaml)`, { file });
  }
  const rows = reader(text, file);
  const located = rows.map((row) => {
    const at = { file, line: row.line };
    return { c: normalizeRow(row.value, at), at };
  });
  checkUniqueIds(located);
  const cases = located.map((x) => x.c);
  if (cases.length === 0) throw new AssayError('dataset.invalid', 'the dataset has no cases', { file });
  return { name, version: datasetVersion(cases), path: file, cases };
}

/**
 * Reads a JSONL, CSV or YAML dataset. A malformed row fails the whole load with `file:line: …`
 * before any provider is called.
 */
export async function loadDataset(file: string, name?: string): Promise<Dataset> {
  let text: string;
  try {
    text = await readTextFile(file, (why) => new AssayError('dataset.parse', why, { file }));
  } catch (error) {
    if (error instanceof AssayError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new AssayError('dataset.parse', why, { file, cause: error });
  }
  return parseDataset(text, file, name);
}

export function datasetName(file: string): string {
  return basename(file, extname(file));
}

/**
 * Builds a dataset from rows written in a config (`dataset: { cases: [...] }`): each row is checked
 * as a file's would be, and an error names the config file and the row's line.
 */
export function datasetFromRows(
  rows: unknown[],
  at: { file: string; name: string; lineOf: (index: number) => number | undefined },
): Dataset {
  const located = rows.map((value, i) => {
    const where = { file: at.file, line: at.lineOf(i) ?? 0 };
    return { c: normalizeRow(value, where), at: where };
  });
  checkUniqueIds(located);
  const cases = located.map((x) => x.c);
  return { name: at.name, version: datasetVersion(cases), path: at.file, cases };
}

/** Builds a dataset from cases made in code. */
export function datasetFromCases(name: string, cases: Case[]): Dataset {
  return { name, version: datasetVersion(cases), cases };
}
