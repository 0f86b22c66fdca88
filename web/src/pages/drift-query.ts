import { useQuery } from '@tanstack/react-query';
import { ApiError, api, qs } from '../api/client';
import type { DriftReportJson } from '../api/types';

/** The monitoring page's range and the drift window, as in its URL. */
export interface DriftFilter {
  from?: string | undefined;
  to?: string | undefined;
  window?: string | undefined;
}

/**
 * `GET /api/v1/monitor/drift` for the page's range: computed by the server on request (seconds with
 * input drift on), so it is cached for five minutes and shared by the drift and correlation panels.
 * A server without the monitoring routes answers null.
 */
export function useDriftReport(filter: DriftFilter) {
  return useQuery({
    queryKey: ['drift', filter.from, filter.to, filter.window],
    queryFn: async () => {
      try {
        return await api<DriftReportJson>(`/api/v1/monitor/drift${qs({ ...filter })}`);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
    staleTime: 300_000,
  });
}

/** Where the traces of a window (or any range) are listed. */
export const tracesOf = (from: string, to: string) => `/monitoring/traces${qs({ from, to })}`;

/** One trace's page. */
export const traceLink = (id: string) => `/traces/${encodeURIComponent(id)}`;

/** A p-value as a reader wants it: three decimals, or under 0.001. */
export const pValue = (p: number | undefined) =>
  p === undefined ? '–' : p < 0.001 ? '<0.001' : p.toFixed(3);

/** A window's start as `2026-11-19 00:00`, UTC. */
export const windowLabel = (iso: string) => iso.slice(0, 16).replace('T', ' ');

/** A duration in the API's form (`1d`, `6h`, `15m`, `500ms`). */
export function durationParam(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/**
 * The monitoring page opened on a drift alert: its window and the six before it (the context of the
 * panel's table), that window's drift window, and the alert's test open with the traces behind it.
 */
export function driftAlertLink(a: {
  kind: string;
  segment?: string;
  window: { from: string; to: string };
}): string {
  const from = Date.parse(a.window.from);
  const to = Date.parse(a.window.to);
  const panel = a.segment ? `${a.kind}[${a.segment}]` : a.kind;
  return `/monitoring${qs({
    from: new Date(from - 6 * (to - from)).toISOString(),
    to: a.window.to,
    window: durationParam(to - from),
    drift: `${panel}@${a.window.from}`,
  })}#drift-title`;
}
