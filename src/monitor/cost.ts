import { priceFor } from '../providers/pricing.js';

/** Cost of one call from the offline price table, when the model is in it and tokens were reported. */
export function costOf(
  model: string | null,
  inputTokens: number | null,
  outputTokens: number | null,
): number | null {
  if (!model || (inputTokens === null && outputTokens === null)) return null;
  const price = priceFor(model);
  if (!price) return null;
  return ((inputTokens ?? 0) * price.input + (outputTokens ?? 0) * price.output) / 1e6;
}
