import { parseDuration } from '../core/duration.js';
import { HttpError } from './http-error.js';

/** A query-string time: ISO 8601 or epoch milliseconds; undefined when absent, 400 naming `field` when unreadable. */
export function queryTime(value: string | undefined, field: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Date.parse(value);
  if (Number.isNaN(ms))
    throw new HttpError(400, 'invalid', `${field}: expected an ISO 8601 time or epoch milliseconds`, field);
  return ms;
}

/** A query-string duration (`5m`, `6h`, `1d`: the CLI's and the config's grammar); undefined when absent, 400 naming `field` when unreadable. */
export function queryDuration(value: string | undefined, field: string): number | undefined {
  return value ? parseDuration(value, { field }) : undefined;
}
