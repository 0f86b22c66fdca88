/**
 * Finds the JSON in a model's answer: the whole text, a fenced ```json block, or the first balanced
 * object or array in the text. Returns `{ ok: false }` when there is none.
 */
export function extractJson(
  text: string,
): { ok: true; value: unknown; source: 'whole' | 'fence' | 'embedded' } | { ok: false; error: string } {
  const whole = tryParse(text.trim());
  if (whole.ok) return { ok: true, value: whole.value, source: 'whole' };
  const fence = /```(?:json|JSON)?\s*\n([\s\S]*?)```/.exec(text);
  if (fence) {
    const inner = tryParse(fence[1]!.trim());
    if (inner.ok) return { ok: true, value: inner.value, source: 'fence' };
    return { ok: false, error: `fenced block is not valid JSON: ${inner.error}` };
  }
  const start = text.search(/[{[]/);
  if (start >= 0) {
    const end = matchingEnd(text, start);
    if (end > start) {
      const inner = tryParse(text.slice(start, end + 1));
      if (inner.ok) return { ok: true, value: inner.value, source: 'embedded' };
    }
  }
  return { ok: false, error: whole.error };
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/** Index of the bracket closing the one at `start`, skipping strings; -1 when unbalanced. */
export function matchingEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}
