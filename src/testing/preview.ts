import { inspect } from 'node:util';

/** A value as one short line for a failure message: strings quoted, objects as compact JSON. */
export function preview(value: unknown, max = 80): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (value instanceof Error) text = `${value.name}: ${value.message}`;
  else {
    try {
      text = JSON.stringify(value) ?? inspect(value);
    } catch {
      text = inspect(value, { depth: 2, breakLength: Number.POSITIVE_INFINITY });
    }
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
