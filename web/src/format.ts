const DASH = '–';

export const pct = (x: number | null | undefined, digits = 1): string =>
  x === null || x === undefined || Number.isNaN(x) ? DASH : `${(x * 100).toFixed(digits)}%`;

export const range = (i: [number, number] | null | undefined): string =>
  i ? `${(i[0] * 100).toFixed(1)}–${(i[1] * 100).toFixed(1)}%` : DASH;

export const num = (x: number | null | undefined, digits = 2): string =>
  x === null || x === undefined || Number.isNaN(x) ? DASH : x.toFixed(digits);

export const count = (x: number | null | undefined): string =>
  x === null || x === undefined ? DASH : x.toLocaleString('en-US');

export function ms(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return DASH;
  return x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${Math.round(x)} ms`;
}

export function usd(x: number | null | undefined): string {
  if (x === null || x === undefined) return DASH;
  if (x === 0) return '$0';
  return x < 0.01 ? `$${x.toPrecision(2)}` : `$${x.toFixed(2)}`;
}

export function when(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : `${d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })} UTC`;
}

export const shortId = (id: string): string => (id.length > 20 ? `${id.slice(0, 20)}…` : id);

/** Any value as readable text: strings as they are, the rest as indented JSON. */
export function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? String(value));
}
