import type { ModelCaller } from '../core/model-call.js';
import { costOf, priceFor } from '../providers/pricing.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

export interface BudgetLimits {
  judgeCallsPerHour?: number;
  usdPerDay?: number;
}

/** Judge spending so far: the calls of the last hour and the dollars of the last day (plain data, storable). */
export interface BudgetState {
  calls: number[];
  spend: { at: number; usd: number }[];
}

/**
 * The judge budget of online evaluation: at most `judgeCallsPerHour` calls in any sliding hour and
 * `usdPerDay` dollars in any sliding day. A trace that would go over is deferred by the caller,
 * never dropped; the budget only answers whether there is room and records what was spent.
 */
export class JudgeBudget {
  private readonly state: BudgetState;

  constructor(
    readonly limits: BudgetLimits,
    state: BudgetState = { calls: [], spend: [] },
  ) {
    this.state = { calls: [...state.calls], spend: [...state.spend] };
  }

  private prune(now: number): void {
    this.state.calls = this.state.calls.filter((t) => t > now - HOUR);
    this.state.spend = this.state.spend.filter((s) => s.at > now - DAY);
  }

  /** Whether `calls` more judge calls fit now. */
  hasRoom(now: number, calls = 1): boolean {
    this.prune(now);
    const { judgeCallsPerHour, usdPerDay } = this.limits;
    if (judgeCallsPerHour !== undefined && this.state.calls.length + calls > judgeCallsPerHour) return false;
    if (usdPerDay !== undefined && this.spentUsd(now) >= usdPerDay) return false;
    return true;
  }

  record(now: number, usd = 0): void {
    this.state.calls.push(now);
    if (usd > 0) this.state.spend.push({ at: now, usd });
  }

  spentUsd(now: number): number {
    this.prune(now);
    return this.state.spend.reduce((a, s) => a + s.usd, 0);
  }

  snapshot(): BudgetState {
    return { calls: [...this.state.calls], spend: [...this.state.spend] };
  }
}

/** Thrown by a budgeted caller instead of calling a judge over the budget. */
export class BudgetExhausted extends Error {
  constructor() {
    super('judge budget exhausted');
    this.name = 'BudgetExhausted';
  }
}

/**
 * A model caller that counts every judge call against the budget and refuses (BudgetExhausted) a
 * call that would go over it; other roles pass through. `refused()` tells whether it refused since
 * the last `resetRefused()`; `calls()` how many judge calls it made and counted (cached answers cost none).
 */
export function budgetedCaller(
  inner: ModelCaller,
  budget: JudgeBudget,
  now: () => number,
): ModelCaller & { refused(): boolean; resetRefused(): void; calls(): number } {
  let refused = false;
  let calls = 0;
  return {
    async callModel(provider, request, options) {
      if (options.role !== 'judge') return inner.callModel(provider, request, options);
      const t = now();
      if (!budget.hasRoom(t)) {
        refused = true;
        throw new BudgetExhausted();
      }
      const answer = await inner.callModel(provider, request, options);
      if (!answer.cached) {
        budget.record(t, costOf(answer.usage, priceFor(provider.model)) ?? 0);
        calls++;
      }
      return answer;
    },
    embed: (provider, texts, options) => inner.embed(provider, texts, options),
    refused: () => refused,
    calls: () => calls,
    resetRefused: () => {
      refused = false;
    },
  };
}
