import { parseDuration } from '../core/duration.js';
import { AssayError } from '../core/errors.js';

/**
 * What can go wrong between Assay and a target:
 * - `latency`: the request is held for `ms` (or a uniform draw in `ms..maxMs`) before it is forwarded;
 * - `error`: answered at once with HTTP `status`, the target is not called;
 * - `timeout`: never answered; the connection is held until the client gives up;
 * - `reset`: the connection is dropped without an answer (the client sees ECONNRESET).
 */
export type FaultKind = 'latency' | 'error' | 'timeout' | 'reset';

export type Fault =
  | { kind: 'latency'; probability: number; ms: number; maxMs?: number }
  | { kind: 'error'; probability: number; status: number }
  | { kind: 'timeout'; probability: number }
  | { kind: 'reset'; probability: number };

const KINDS: readonly FaultKind[] = ['latency', 'error', 'timeout', 'reset'];
const FIELD = '--fault';

function fail(message: string): never {
  throw new AssayError('input.invalid', message, { field: FIELD });
}

/** `2000`, `2000ms`, `2s`, `1.5s` → milliseconds (documented in milliseconds: a bare number is one). */
function parseMs(text: string, item: string): number {
  if (!/^\d+(\.\d+)?(ms|s|m)?$/.test(text.trim()))
    fail(`"${item}": expected a duration like 2000, 2000ms or 2s, got "${text}"`);
  return parseDuration(text, { field: FIELD, bare: 'ms' });
}

function parseProbability(text: string | undefined, item: string): number {
  if (text === undefined) fail(`"${item}": say how often, e.g. "${item}@5%"`);
  const m = /^(\d+(?:\.\d+)?)%$/.exec(text.trim());
  if (!m) fail(`"${item}": expected a percentage like 5% after "@", got "${text}"`);
  const p = Number(m[1]) / 100;
  if (p <= 0 || p > 1) fail(`"${item}": the percentage must be above 0% and at most 100%`);
  return p;
}

function parseItem(item: string): Fault {
  const [head, pct, extra] = item.split('@');
  if (extra !== undefined) fail(`"${item}": one "@" per fault`);
  const [name, arg] = head!.split('=', 2).map((s) => s.trim()) as [string, string | undefined];
  if (!KINDS.includes(name as FaultKind)) {
    fail(`unknown fault "${name}" (known: ${KINDS.join(', ')}), in "${item}"`);
  }
  const probability = parseProbability(pct, item);
  switch (name as FaultKind) {
    case 'latency': {
      if (!arg) fail(`"${item}": latency needs a duration, e.g. latency=2000@10%`);
      const [lo, hi] = arg.split('-', 2) as [string, string | undefined];
      const ms = parseMs(lo, item);
      if (hi === undefined) return { kind: 'latency', probability, ms };
      const maxMs = parseMs(hi, item);
      if (maxMs < ms) fail(`"${item}": the range must go from low to high`);
      return { kind: 'latency', probability, ms, maxMs };
    }
    case 'error': {
      const status = arg === undefined || arg === '' ? 500 : Number(arg);
      if (!Number.isInteger(status) || status < 400 || status > 599) {
        fail(`"${item}": error takes an HTTP status from 400 to 599, e.g. error=503@5%`);
      }
      return { kind: 'error', probability, status };
    }
    default:
      if (arg !== undefined) fail(`"${item}": ${name} takes no value, e.g. ${name}@1%`);
      return { kind: name as 'timeout' | 'reset', probability };
  }
}

/**
 * Parses `latency=2000@10%,error=500@5%,timeout@1%,reset@1%`. Faults are exclusive: one uniform
 * draw per request picks at most one, so each fault happens at its own rate and the rates add up
 * to at most 100%.
 *
 * @example
 * parseFaultSpec('error=503@20%'); // [{ kind: 'error', status: 503, probability: 0.2 }]
 */
export function parseFaultSpec(text: string): Fault[] {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) fail('no fault given, e.g. --fault error=500@5%');
  const faults = items.map(parseItem);
  const total = faults.reduce((sum, f) => sum + f.probability, 0);
  if (total > 1 + 1e-9) fail(`the fault rates add up to ${(total * 100).toFixed(1)}%, more than 100%`);
  return faults;
}

/** The fault a uniform draw `u` in [0, 1) picks, or undefined for a request left alone. */
export function pickFault(faults: readonly Fault[], u: number): Fault | undefined {
  let edge = 0;
  for (const f of faults) {
    // Rounded so that 20% + 10% ends at 0.3, not 0.30000000000000004.
    edge = Math.round((edge + f.probability) * 1e12) / 1e12;
    if (u < edge) return f;
  }
  return undefined;
}

/** `latency=2000@10%, error=500@5%` — the spec back as text, for reports and provenance. */
export function formatFaults(faults: readonly Fault[]): string {
  return faults
    .map((f) => {
      const pct = `${+(f.probability * 100).toFixed(4)}%`;
      if (f.kind === 'latency') return `latency=${f.ms}${f.maxMs === undefined ? '' : `-${f.maxMs}`}@${pct}`;
      if (f.kind === 'error') return `error=${f.status}@${pct}`;
      return `${f.kind}@${pct}`;
    })
    .join(',');
}
