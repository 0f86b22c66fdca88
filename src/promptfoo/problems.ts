import { AssayError } from '../core/errors.js';

/** Where in a promptfoo suite something was written: the file, its line when known, the field. */
export interface Place {
  file: string;
  line?: number;
  field: string;
}

export function placeText(p: Place): string {
  return `${p.file}${p.line ? `:${p.line}` : ''}: ${p.field}`;
}

/**
 * What the import cannot carry over, collected over the whole suite so that one message lists every
 * unsupported key and assertion: a promptfoo suite is never run with a part silently left out.
 */
export class Problems {
  private readonly list: { at: Place; what: string }[] = [];

  add(at: Place, what: string): void {
    this.list.push({ at, what });
  }

  get size(): number {
    return this.list.length;
  }

  /** Throws one `config.invalid` error (exit 2) listing every problem, one a line, when there are any. */
  throwIfAny(file: string): void {
    if (this.list.length === 0) return;
    throw new AssayError(
      'config.invalid',
      `this promptfoo suite uses ${this.list.length} thing(s) Assay cannot run yet (nothing was run):`,
      { file, details: this.list.map(({ at, what }) => `${placeText(at)}: ${what}`) },
    );
  }
}

/** Keys of `value` outside `known`, each reported at `at`. */
export function unknownKeys(
  value: Record<string, unknown>,
  known: readonly string[],
  at: Place,
  problems: Problems,
  kind: string,
): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) problems.add({ ...at, field: `${at.field}.${key}` }, `${kind} key "${key}"`);
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
