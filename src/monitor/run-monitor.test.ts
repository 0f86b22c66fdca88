import { describe, expect, it } from 'vitest';
import { monitorSchema } from '../config/monitor.js';
import type { RunRecord } from '../core/run.js';
import { createRng } from '../stats/random.js';
import { runMonitor } from './run-monitor.js';
import type { MonitoredTrace } from './traffic.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');

/** 16 days: nightly runs whose pass rate predicts the thumbs-up rate for 8 days, then moves against it. */
function planted() {
  const rng = createRng(8);
  const traffic: MonitoredTrace[] = [];
  const runs: RunRecord[] = [];
  for (let d = 0; d < 16; d++) {
    const offline = 0.6 + 0.3 * rng.next();
    const online = d < 8 ? offline : 1.5 - offline;
    for (let i = 0; i < 100; i++) {
      traffic.push({
        id: `t${d}-${i}`,
        timestamp: T0 + d * DAY + i * 1000,
        input: 'q',
        output: 'a',
        feedback: [{ name: 'thumbs', value: i < Math.round(online * 100) ? 1 : -1 }],
      });
    }
    const byEvaluator = {
      faithfulness: { evaluator: 'faithfulness', count: 50, passed: 40, errors: 0, meanScore: offline },
      length: { evaluator: 'length', count: 50, passed: 40, errors: 0, meanScore: (d * 7919) % 13 },
    };
    runs.push({
      id: `run-${d}`,
      createdAt: new Date(T0 + d * DAY + 3_600_000).toISOString(),
      summary: { passRate: offline, byEvaluator },
    } as unknown as RunRecord);
  }
  return { traffic, runs };
}

describe('runMonitor: the offline↔online correlation', () => {
  it('alerts when the nightly offline metric stops predicting the thumbs-up rate, and ranks the predictors', async () => {
    const { traffic, runs } = planted();
    const config = monitorSchema.parse({
      drift: { inputs: 'off', outputs: [], metrics: [] },
      correlation: { offline: 'pass-rate', online: 'thumbs-up-rate', periods: 8, alertBelow: 0.7 },
    });
    const report = await runMonitor({
      config,
      from: T0,
      to: T0 + 16 * DAY,
      traffic: async (a, b) => traffic.filter((t) => t.timestamp >= a && t.timestamp < b),
      runs,
    });
    expect(report.correlation[0]!.rho).toBeGreaterThan(0.95);
    expect(report.correlation[0]!.alert).toBe(false);
    const alerts = report.alerts.filter((a) => a.kind === 'correlation');
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts[0]!.statistic).toBeLessThan(0.7);
    expect(report.correlation[report.correlation.length - 1]).toMatchObject({ verdict: 'below' });
    // Every offline evaluator and the pass rate, over the 16 periods, best first (the ranking itself
    // is tested in correlation.test.ts).
    expect(report.predictors.map((p) => p.offline).sort()).toEqual(['faithfulness', 'length', 'pass-rate']);
    expect(report.predictors.every((p) => p.n === 16)).toBe(true);
    const rhos = report.predictors.map((p) => p.rho!);
    expect(rhos).toEqual([...rhos].sort((a, b) => b - a));
  });
});
