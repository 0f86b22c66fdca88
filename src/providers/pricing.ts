import type { Usage } from '../core/output.js';

/** USD per million tokens. */
export interface Price {
  input: number;
  output: number;
}

/**
 * List prices (USD per million tokens) of common models, as published by their vendors in 2025.
 * Prices change: override them with `pricing:` in assay.yaml or `price:` on a target.
 * Longest matching prefix wins, so dated snapshots (`gpt-4o-mini-2024-07-18`) match their model.
 */
export const DEFAULT_PRICES: Record<string, Price> = {
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-3.5-turbo': { input: 0.5, output: 1.5 },
  'o3-mini': { input: 1.1, output: 4.4 },
  'o4-mini': { input: 1.1, output: 4.4 },
  o3: { input: 2, output: 8 },
  'text-embedding-3-small': { input: 0.02, output: 0 },
  'text-embedding-3-large': { input: 0.13, output: 0 },
  'claude-3-5-haiku': { input: 0.8, output: 4 },
  'claude-3-haiku': { input: 0.25, output: 1.25 },
  'claude-3-5-sonnet': { input: 3, output: 15 },
  'claude-3-7-sonnet': { input: 3, output: 15 },
  'claude-sonnet-4': { input: 3, output: 15 },
  'claude-opus-4': { input: 15, output: 75 },
};

/** Finds the price of a model: the user's table first, then the defaults; longest prefix wins. */
export function priceFor(model: string, overrides: Record<string, Price> = {}): Price | undefined {
  for (const table of [overrides, DEFAULT_PRICES]) {
    if (table[model]) return table[model];
    let best: string | undefined;
    for (const key of Object.keys(table)) {
      if (model.startsWith(key) && (!best || key.length > best.length)) best = key;
    }
    if (best) return table[best];
  }
  return undefined;
}

export function costOf(usage: Usage | undefined, price: Price | undefined): number | undefined {
  if (!usage || !price) return undefined;
  return (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000;
}
