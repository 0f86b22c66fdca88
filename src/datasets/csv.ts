import { parse } from 'csv-parse/sync';
import { AssayError } from '../core/errors.js';
import type { RawRow } from './raw-row.js';

/** Cells that look like JSON lists or objects (sources, expected lists) are parsed as JSON. */
function cell(value: string, file: string, line: number, column: string): unknown {
  const t = value.trim();
  if ((t.startsWith('[') && t.endsWith(']')) || (t.startsWith('{') && t.endsWith('}'))) {
    try {
      return JSON.parse(t);
    } catch {
      if (column === 'sources' || column === 'turns') {
        throw new AssayError('dataset.parse', 'cell looks like JSON but does not parse', {
          file,
          line,
          field: column,
        });
      }
    }
  }
  return value;
}

/**
 * Parses CSV with a header row. `tags.<name>` columns become tags; empty cells are left out.
 */
export function parseCsv(text: string, file: string): RawRow[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, {
      columns: true,
      skip_empty_lines: true,
      info: true,
      bom: true,
      relax_quotes: false,
    });
  } catch (error) {
    const e = error as { message?: string; lines?: number };
    const message = (e.message ?? String(error)).replace(/^Invalid [^:]*: /, '');
    throw new AssayError('dataset.parse', message, { file, ...(e.lines ? { line: e.lines } : {}) });
  }
  return records.map(({ record, info }) => {
    const row: Record<string, unknown> = {};
    const tags: Record<string, string> = {};
    for (const [column, value] of Object.entries(record)) {
      if (value === '') continue;
      if (column.startsWith('tags.')) tags[column.slice(5)] = value;
      else row[column] = cell(value, file, info.lines, column);
    }
    if (Object.keys(tags).length > 0) row.tags = tags;
    return { value: row, line: info.lines };
  });
}
