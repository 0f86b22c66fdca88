import type { ResultRecord } from '../core/run.js';
import type { PassRate, RepeatSummary } from '../core/summary.js';
import { clusteredProportion } from '../stats/intervals.js';
import { passAtK, passHatK } from '../stats/pass-at-k.js';
import { getOrCreate } from '../util/maps.js';

interface CaseTally {
  caseId: string;
  target: string;
  tags: Record<string, string>;
  trials: number;
  passes: number;
  scores: Map<string, { n: number; sum: number; sumSq: number }>;
}

/**
 * Per-case tallies of a run whose cases ran several times: which cases are flaky (neither always
 * passing nor always failing), pass@k and pass^k, and pass-rate intervals clustered by case so that
 * repeats of one case do not pass for independent evidence.
 */
export class RepeatTracker {
  private readonly cases = new Map<string, CaseTally>();

  constructor(readonly k: number) {}

  add(r: ResultRecord): void {
    if (r.error !== undefined) return;
    const t = getOrCreate(this.cases, `${r.target}\u0000${r.caseId}`, () => ({
      caseId: r.caseId,
      target: r.target,
      tags: r.tags,
      trials: 0,
      passes: 0,
      scores: new Map(),
    }));
    t.trials++;
    if (r.pass) t.passes++;
    for (const s of r.scores) {
      if (s.value === null) continue;
      const acc = getOrCreate(t.scores, s.evaluator, () => ({ n: 0, sum: 0, sumSq: 0 }));
      acc.n++;
      acc.sum += s.value;
      acc.sumSq += s.value * s.value;
    }
  }

  /** Replaces Wilson intervals by clustered ones, overall, per stratum and per target. */
  clusterIntervals(
    overall: PassRate,
    byTag: Record<string, Record<string, PassRate>>,
    byTarget: Record<string, PassRate> = {},
  ): void {
    const all = [...this.cases.values()];
    const interval = (group: CaseTally[]): [number, number] | undefined => {
      if (group.length === 0) return undefined;
      const ci = clusteredProportion(group.map((c) => ({ successes: c.passes, n: c.trials })));
      return [ci.lo, ci.hi];
    };
    const o = interval(all);
    if (o) overall.interval = o;
    for (const [tag, values] of Object.entries(byTag)) {
      for (const [value, rate] of Object.entries(values)) {
        const i = interval(all.filter((c) => c.tags[tag] === value));
        if (i) rate.interval = i;
      }
    }
    for (const [target, rate] of Object.entries(byTarget)) {
      const i = interval(all.filter((c) => c.target === target));
      if (i) rate.interval = i;
    }
  }

  summary(): RepeatSummary {
    const all = [...this.cases.values()];
    const flaky = all.filter((c) => c.passes > 0 && c.passes < c.trials);
    const mean = (f: (c: CaseTally) => number) =>
      all.length ? all.reduce((s, c) => s + f(c), 0) / all.length : 0;
    const full = all.filter((c) => c.trials >= this.k);
    // With several targets a case id alone is ambiguous (and would be listed once per target).
    const multiTarget = new Set(all.map((c) => c.target)).size > 1;
    return {
      k: this.k,
      cases: all.length,
      flaky: {
        count: flaky.length,
        cases: flaky.map((c) => (multiTarget ? `${c.target}/${c.caseId}` : c.caseId)),
      },
      alwaysPass: all.filter((c) => c.passes === c.trials).length,
      alwaysFail: all.filter((c) => c.passes === 0).length,
      passAtK: full.length
        ? full.reduce((s, c) => s + passAtK(c.trials, c.passes, this.k), 0) / full.length
        : null,
      passHatK: full.length
        ? full.reduce((s, c) => s + passHatK(c.trials, c.passes, this.k), 0) / full.length
        : null,
      meanCasePassRate: mean((c) => c.passes / c.trials),
    };
  }

  /** Per case: pass count and the mean and standard deviation of each score across repeats. */
  perCase(): RepeatCaseStats[] {
    return [...this.cases.values()].map((c) => ({
      caseId: c.caseId,
      target: c.target,
      trials: c.trials,
      passes: c.passes,
      flaky: c.passes > 0 && c.passes < c.trials,
      scores: Object.fromEntries(
        [...c.scores].map(([name, a]) => {
          const m = a.sum / a.n;
          const variance = a.n > 1 ? Math.max(0, (a.sumSq - a.n * m * m) / (a.n - 1)) : 0;
          return [name, { mean: m, sd: Math.sqrt(variance), n: a.n }];
        }),
      ),
    }));
  }
}

export interface RepeatCaseStats {
  caseId: string;
  target: string;
  trials: number;
  passes: number;
  flaky: boolean;
  scores: Record<string, { mean: number; sd: number; n: number }>;
}
