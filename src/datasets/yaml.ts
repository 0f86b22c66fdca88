import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { AssayError } from '../core/errors.js';
import type { RawRow } from './raw-row.js';

/** Parses a YAML list of cases, or a mapping with a `cases:` list; each row keeps its line. */
export function parseYamlCases(text: string, file: string): RawRow[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const problem = doc.errors[0];
  if (problem) {
    // With prettyErrors off, yaml leaves linePos unset: the line comes from the offset.
    const line = problem.linePos?.[0]?.line ?? lineCounter.linePos(problem.pos[0]).line;
    throw new AssayError('dataset.parse', problem.message.split('\n')[0]!, {
      file,
      ...(line ? { line } : {}),
    });
  }
  let seq: unknown = doc.contents;
  let values: unknown = doc.toJS();
  if (isMap(seq)) {
    seq = seq.get('cases', true);
    values = (values as { cases?: unknown }).cases;
  }
  if (!isSeq(seq) || !Array.isArray(values)) {
    throw new AssayError('dataset.parse', 'expected a list of cases (or a mapping with a "cases" list)', {
      file,
    });
  }
  const items = seq.items as { range?: [number, number, number] }[];
  return values.map((value, i) => ({ value, line: lineCounter.linePos(items[i]?.range?.[0] ?? 0).line }));
}
