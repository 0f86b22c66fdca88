import { useCallback } from 'react';
import { useSearchParams } from 'react-router';

/**
 * Page state kept in the URL's query string, so every filter, sort and page is shareable and
 * survives a reload. Setting a value to '' removes it; changing a filter resets `offset`.
 */
export function useUrlState(): [URLSearchParams, (patch: Record<string, string | number | null>) => void] {
  const [params, setParams] = useSearchParams();
  const update = useCallback(
    (patch: Record<string, string | number | null>) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [k, v] of Object.entries(patch)) {
            if (v === null || v === '') next.delete(k);
            else next.set(k, String(v));
          }
          if (!('offset' in patch)) next.delete('offset');
          return next;
        },
        { replace: false },
      );
    },
    [setParams],
  );
  return [params, update];
}
