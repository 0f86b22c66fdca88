import { type Price, priceFor } from '../providers/pricing.js';

/**
 * Prices by model name as ingestion meets them: `priceFor` scans the table for the longest prefix,
 * and every ingested span asks. Bounded: past the limit, names are looked up without being kept.
 */
const prices = new Map<string, Price | undefined>();
const MAX_CACHED = 1000;

function cachedPrice(model: string): Price | undefined {
  if (prices.has(model)) return prices.get(model);
  const price = priceFor(model);
  if (prices.size < MAX_CACHED) prices.set(model, price);
  return price;
}

/** Cost of one call from the offline price table, when the model is in it and tokens were reported. */
export function costOf(
  model: string | null,
  inputTokens: number | null,
  outputTokens: number | null,
): number | null {
  if (!model || (inputTokens === null && outputTokens === null)) return null;
  const price = cachedPrice(model);
  if (!price) return null;
  return ((inputTokens ?? 0) * price.input + (outputTokens ?? 0) * price.output) / 1e6;
}
