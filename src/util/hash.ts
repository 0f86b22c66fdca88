import { createHash } from 'node:crypto';
import { canonicalJson } from '../core/canonical.js';

/** Hex SHA-256 of a string. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Hex SHA-256 of a value's canonical JSON: equal values, equal hashes. */
export function contentHash(value: unknown): string {
  return sha256(canonicalJson(value));
}
