import { AssayError } from '../core/errors.js';

/** Throws the `stats.input` error: `fn: message`. */
export function fail(fn: string, message: string): never {
  throw new AssayError('stats.input', `${fn}: ${message}`);
}

/** Checks that `values` is an array of at least `min` finite numbers. */
export function checkFinite(fn: string, name: string, values: readonly number[], min = 1): void {
  if (!Array.isArray(values)) fail(fn, `${name} must be an array of numbers`);
  if (values.length < min) {
    fail(fn, min === 1 ? `${name} is empty` : `${name} needs at least ${min} values (got ${values.length})`);
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      fail(fn, `${name}[${i}] is not a finite number (${String(v)})`);
    }
  }
}

/** Checks that two arrays have the same length. */
export function checkSameLength(
  fn: string,
  x: readonly unknown[],
  y: readonly unknown[],
  names: [string, string] = ['x', 'y'],
): void {
  if (!Array.isArray(x) || !Array.isArray(y)) fail(fn, `${names[0]} and ${names[1]} must be arrays`);
  if (x.length !== y.length) {
    fail(fn, `${names[0]} and ${names[1]} must have the same length (${x.length} vs ${y.length})`);
  }
}

/** Checks a finite number. */
export function checkNumber(fn: string, name: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v))
    fail(fn, `${name} must be a finite number (got ${String(v)})`);
}

/** Checks an integer >= `min`. */
export function checkInteger(fn: string, name: string, v: number, min = 0): void {
  if (typeof v !== 'number' || !Number.isInteger(v))
    fail(fn, `${name} must be an integer (got ${String(v)})`);
  if (v < min) fail(fn, `${name} must be at least ${min} (got ${v})`);
}

/** Checks a confidence level strictly between 0 and 1. */
export function checkConfidence(fn: string, confidence: number): void {
  if (typeof confidence !== 'number' || !(confidence > 0 && confidence < 1)) {
    fail(fn, `confidence must be between 0 and 1 exclusive (got ${String(confidence)})`);
  }
}

/** Checks a probability in [0, 1] (or in (0, 1) when `open`). */
export function checkProbability(fn: string, name: string, v: number, open = false): void {
  const ok = typeof v === 'number' && (open ? v > 0 && v < 1 : v >= 0 && v <= 1);
  if (!ok) fail(fn, `${name} must be in ${open ? '(0, 1)' : '[0, 1]'} (got ${String(v)})`);
}

/** Guards a computed result: finite inputs can still overflow (values near 1e308). */
export function checkResult(fn: string, value: number): number {
  if (!Number.isFinite(value))
    fail(fn, `the result is not finite (${value}): the values are too large to compute with`);
  return value;
}
