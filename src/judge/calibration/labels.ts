import { z } from 'zod';
import { AssayError } from '../../core/errors.js';

/** One human rating: `{ "caseId": …, "dimension"?: …, "score": …, "rater"?: …, "target"?: … }`. */
export interface LabelRow {
  caseId: string;
  /** The rubric dimension rated (`accuracy`), or the full score name (`rubric.accuracy`). */
  dimension?: string;
  score: number;
  /** Who rated it: lets the raters' own agreement follow each rater (else raters are anonymous). */
  rater?: string;
  /** Which target's output was rated, when the run has several. */
  target?: string;
  line: number;
}

const rowSchema = z.object({
  caseId: z.union([z.string().min(1), z.number()]).transform(String),
  dimension: z.string().min(1).optional(),
  score: z.number().refine(Number.isFinite, 'must be a finite number'),
  rater: z.union([z.string(), z.number()]).transform(String).optional(),
  target: z.string().min(1).optional(),
});

/**
 * Reads human labels from JSONL text. Blank lines are skipped; anything else that is not a label row
 * is an error naming the file, line and field.
 *
 * @example
 * parseLabels('{"caseId": "c1", "score": 4}\n{"caseId": "c1", "score": 5}', 'human.jsonl'); // two raters of c1
 */
export function parseLabels(text: string, file: string): LabelRow[] {
  const rows: LabelRow[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = i + 1;
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new AssayError('dataset.parse', `not JSON: ${(error as Error).message}`, { file, line });
    }
    const parsed = rowSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new AssayError('dataset.invalid', issue.message, {
        file,
        line,
        field: issue.path.join('.') || undefined,
      });
    }
    const r = parsed.data;
    rows.push({
      caseId: r.caseId,
      score: r.score,
      line,
      ...(r.dimension ? { dimension: r.dimension } : {}),
      ...(r.rater !== undefined ? { rater: r.rater } : {}),
      ...(r.target ? { target: r.target } : {}),
    });
  }
  if (rows.length === 0) throw new AssayError('dataset.invalid', 'no label rows', { file });
  return rows;
}
