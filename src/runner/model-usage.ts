import type { ModelRole } from '../core/model-call.js';
import type { Usage } from '../core/output.js';
import type { Provider } from '../core/provider.js';
import type { ModelUsage } from '../core/summary.js';
import { type Price, priceFor } from '../providers/pricing.js';

/**
 * Counts the calls, tokens and cost of the models that evaluate a run (judges, the simulated user,
 * remote embedders), by role, apart from the targets'. Cost uses the config's `pricing:` table,
 * then the built-in list prices; a model with no known price adds tokens but no cost.
 */
export class ModelUsageTally {
  private readonly byRole = new Map<ModelRole, ModelUsage>();
  private readonly prices = new Map<string, Price | undefined>();

  constructor(
    private readonly pricing: Record<string, Price> = {},
    /** Counts of an earlier execution of the same run (a resumed run adds to them). */
    prior: Partial<Record<ModelRole, ModelUsage>> = {},
  ) {
    for (const [role, u] of Object.entries(prior))
      if (u) this.byRole.set(role as ModelRole, structuredClone(u));
  }

  add(role: ModelRole, provider: Provider, usage: Usage | undefined, cached: boolean): void {
    let u = this.byRole.get(role);
    if (!u) {
      u = { calls: 0, cached: 0, tokens: { input: 0, output: 0, total: 0 }, costUsd: 0 };
      this.byRole.set(role, u);
    }
    u.calls++;
    if (cached) {
      u.cached++;
      return;
    }
    if (!usage) return;
    u.tokens.input += usage.inputTokens;
    u.tokens.output += usage.outputTokens;
    u.tokens.total += usage.inputTokens + usage.outputTokens;
    const price = this.priceOf(provider);
    if (price) u.costUsd += (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000;
  }

  /** By role, only the roles that made calls; undefined when none did. */
  snapshot(): Partial<Record<ModelRole, ModelUsage>> | undefined {
    if (this.byRole.size === 0) return undefined;
    return Object.fromEntries([...this.byRole].map(([role, u]) => [role, structuredClone(u)]));
  }

  private priceOf(provider: Provider): Price | undefined {
    if (!this.prices.has(provider.model))
      this.prices.set(provider.model, priceFor(provider.model, this.pricing) ?? provider.price);
    return this.prices.get(provider.model);
  }
}
