import { AssertionError } from 'node:assert';

/**
 * The error the `assert*` helpers throw: Node's `AssertionError`, which Vitest, Jest and node:test
 * all report as a failed assertion with its message (an `AssayError` would read as a crash).
 */
export function failure(message: string): AssertionError {
  return new AssertionError({ message });
}
