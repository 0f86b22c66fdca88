import { AssayError } from '../core/errors.js';
import type { RawRow } from './raw-row.js';

/** Parses JSON Lines: one object a line; blank lines and `//` comment lines are skipped. */
export function parseJsonl(text: string, file: string): RawRow[] {
  const rows: RawRow[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('//')) continue;
    try {
      rows.push({ value: JSON.parse(line), line: i + 1 });
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new AssayError('dataset.parse', `invalid JSON: ${why}`, { file, line: i + 1 });
    }
  }
  return rows;
}
