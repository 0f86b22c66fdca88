import { parse as parseYaml } from 'yaml';
import type { Output } from '../core/output.js';

/**
 * How promptfoo 0.123.1 reads its graders' answers to `llm-rubric`, `model-graded-closedqa` and
 * `factuality`, rule for rule (src/matchers/llmGrading.ts and rubric.ts there), so a suite brought
 * from promptfoo keeps its verdicts. An answer promptfoo fails as unreadable is an error here: a
 * grader that could not be read is not a bad output (it still fails the case).
 */
export type Grade = { pass: boolean; score: number; reason: string } | { error: string };

/**
 * `llm-rubric`: the first JSON object of the answer, `{ reason, pass, score }`. A missing `pass`
 * passes; a `pass` that is not a boolean passes when it reads true, yes, pass or y; a `score` that
 * is not a number is read as one, else it is the verdict (1 or 0). With a threshold the grade
 * passes only when the grader said pass and the score reaches the threshold.
 */
export function readRubricGrade(answer: string, threshold?: number): Grade {
  let objects: unknown[];
  try {
    objects = extractJsonObjects(answer);
  } catch (error) {
    return { error: `llm-rubric produced malformed response: ${(error as Error).message}` };
  }
  if (objects.length === 0) return { error: 'Could not extract JSON from llm-rubric response' };
  const parsed = objects[0];
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { error: 'llm-rubric produced malformed response: not a JSON object' };
  const grade = parsed as { pass?: unknown; score?: unknown; reason?: unknown };
  let pass = grade.pass ?? true;
  if (typeof pass !== 'boolean') pass = /^(true|yes|pass|y)$/i.test(String(pass));
  let score = grade.score;
  if (typeof score !== 'number') score = Number.isFinite(Number(score)) ? Number(score) : Number(pass);
  const n = score as number;
  if (threshold !== undefined && Number.isFinite(threshold)) pass = pass && n >= threshold;
  const reason = grade.reason
    ? String(grade.reason)
    : pass
      ? 'Grading passed'
      : `Score ${n} below threshold ${threshold}`;
  return { pass: pass as boolean, score: n, reason };
}

/** `model-graded-closedqa`: the answer ends with `Y` (passes) or `N` (fails), trailing spaces aside. */
export function readClosedQa(answer: string): Grade {
  const end = answer.trimEnd();
  if (end.endsWith('Y'))
    return { pass: true, score: 1, reason: `The submission meets the criterion:\n${answer}` };
  if (end.endsWith('N'))
    return { pass: false, score: 0, reason: `The submission does not meet the criterion:\n${answer}` };
  return { error: `Model grader produced a malformed response:\n${answer}` };
}

const CATEGORIES: Record<string, string> = {
  A: 'The submitted answer is a subset of the expert answer and is fully consistent with it.',
  B: 'The submitted answer is a superset of the expert answer and is fully consistent with it.',
  C: 'The submitted answer contains all the same details as the expert answer.',
  D: 'There is a disagreement between the submitted answer and the expert answer.',
  E: "The answers differ, but these differences don't matter from the perspective of factuality.",
};

/**
 * `factuality`: the category A–E from the first JSON object's `category`, else (promptfoo's legacy
 * format) the first letter in `(A)` form. A, B, C and E pass with 1, D fails with 0; a category
 * outside A–E is an error.
 */
export function readFactuality(answer: string): Grade & { category?: string } {
  let objects: unknown[] = [];
  try {
    objects = extractJsonObjects(answer);
  } catch {
    // promptfoo falls back on the legacy format.
  }
  const json = objects[0] as { category?: unknown; reason?: unknown } | undefined;
  const reasonOk = json?.reason === undefined || json.reason === null || typeof json.reason === 'string';
  if (json && typeof json.category === 'string' && json.category && reasonOk) {
    const category = json.category.trim().toUpperCase();
    if (!/^[A-E]$/.test(category)) return { error: `Invalid category value: ${category}` };
    const reason =
      (json.reason as string | undefined)?.trim() || `Category ${category}: ${CATEGORIES[category]}`;
    return categoryGrade(category, reason);
  }
  const letter = answer.match(/\s*\(?([a-eA-E])\)/);
  if (!letter) return { error: `Factuality checker output did not match expected format: ${answer}` };
  const reason = answer.match(/\)\s*(.*)/s)?.[1];
  return categoryGrade(letter[1]!.toUpperCase(), reason ? reason.trim() : answer);
}

function categoryGrade(category: string, reason: string): Grade & { category: string } {
  const pass = category !== 'D';
  return { pass, score: pass ? 1 : 0, reason, category };
}

/**
 * The output as promptfoo puts it in a grading prompt: text that parses as JSON is parsed, and an
 * object (or an object in a list) is written back as compact JSON; `null` is empty.
 */
export function promptfooText(text: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  if (value === null) return '';
  if (Array.isArray(value))
    return String(value.map((x) => (x && typeof x === 'object' ? JSON.stringify(x) : x)));
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * The prompt the target was sent, as promptfoo's `prompt`: a string as it is, a lone user message
 * as its text, other chats as JSON (promptfoo has the chat file's own text there).
 */
export function promptText(output: Output): string | undefined {
  const p = output.prompt;
  if (typeof p === 'string') return p;
  if (!Array.isArray(p)) return undefined;
  const only = p.length === 1 ? (p[0] as { role?: unknown; content?: unknown }) : undefined;
  if (only?.role === 'user' && typeof only.content === 'string') return only.content;
  return JSON.stringify(p);
}

/**
 * promptfoo's `extractJsonObjects`: from each `{`, the shortest balanced span (or, unbalanced, the
 * rest closed with braces) that parses as YAML/JSON, `//` comments allowed; the search goes on after it.
 */
export function extractJsonObjects(text: string): unknown[] {
  const found: unknown[] = [];
  const max = 100_000;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '{') continue;
    let open = 1;
    let close = 0;
    let j = i + 1;
    while (j < Math.min(i + max, text.length) && open > close) {
      if (text[j] === '{') open++;
      if (text[j] === '}') close++;
      j++;
      if (open === close || j === text.length || j === i + max) {
        try {
          let candidate = text.slice(i, j);
          if (open > close) candidate += '}'.repeat(open - close);
          const parsed: unknown = parseYaml(slashCommentsToHash(candidate), { uniqueKeys: false });
          if (typeof parsed === 'object' && parsed !== null) {
            found.push(parsed);
            i = j - 1;
            break;
          }
        } catch {
          if (open === close) break;
        }
      }
    }
  }
  return found;
}

/** promptfoo's `convertSlashCommentsToHash`: `// x` outside quotes and URLs becomes `# x`. */
function slashCommentsToHash(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      let state: 'normal' | 'single' | 'double' = 'normal';
      let out = '';
      for (let i = 0; i < line.length; i++) {
        const ch = line[i]!;
        const next = line[i + 1];
        const prev = i > 0 ? line[i - 1]! : '';
        if (state === 'normal') {
          if (ch === "'" && !/[a-zA-Z]/.test(prev)) state = 'single';
          else if (ch === '"') state = 'double';
          else if (ch === '/' && next === '/') {
            let start = 0;
            for (let k = i - 1; k >= 0; k--) {
              if (/\s/.test(line[k]!)) {
                start = k + 1;
                break;
              }
            }
            if (line.slice(start, i + 2).includes('://')) {
              out += ch;
              continue;
            }
            let slashes = 2;
            while (i + slashes < line.length && line[i + slashes] === '/') slashes++;
            return out + '#'.repeat(Math.floor(slashes / 2)) + line.slice(i + slashes);
          }
        } else if (state === 'single') {
          if (ch === "'" && !escaped(line, i) && !/[a-zA-Z]/.test(next ?? '')) state = 'normal';
        } else if (ch === '"' && !escaped(line, i)) state = 'normal';
        out += ch;
      }
      return out;
    })
    .join('\n');
}

function escaped(line: string, at: number): boolean {
  let n = 0;
  for (let i = at - 1; i >= 0 && line[i] === '\\'; i--) n++;
  return n % 2 === 1;
}
