import { randomBytes } from 'node:crypto';

/** A run id that sorts by time and reads well: `20261127-081700-3fa2`. */
export function newRunId(now = new Date()): string {
  const iso = now.toISOString();
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${randomBytes(2).toString('hex')}`;
}
