import { describe, expect, it } from 'vitest';
import { createRng } from '../stats/random.js';
import {
  type CorrelationPoint,
  correlationAlerts,
  predictorTable,
  rollingCorrelation,
} from './correlation.js';

const day = (d: number) => new Date(Date.UTC(2026, 10, 1 + d)).toISOString();

/** 16 nightly periods: offline and online move together for 8 (rho ≈ 0.9), then apart. */
function planted(): CorrelationPoint[] {
  const rng = createRng(4);
  const out: CorrelationPoint[] = [];
  for (let d = 0; d < 16; d++) {
    const offline = 0.6 + 0.3 * rng.next();
    const online = d < 8 ? offline * 0.9 + 0.04 * (rng.next() - 0.5) : 0.5 + 0.3 * rng.next();
    out.push({ period: day(d), offline, online });
  }
  return out;
}

describe('offline↔online correlation', () => {
  it('agreeing series give rho ≈ 0.9 with no alert; the divergence raises a correlation alert', () => {
    const windows = rollingCorrelation(planted(), { periods: 8, alertBelow: 0.7 });
    expect(windows).toHaveLength(9);
    expect(windows[0]!.rho).toBeGreaterThan(0.85);
    expect(windows[0]!.alert).toBe(false);
    expect(windows[0]!.lo).toBeLessThan(windows[0]!.rho!);
    const last = windows[windows.length - 1]!;
    expect(last.rho).toBeLessThan(0.7);
    expect(last.alert).toBe(true);
    const alerts = correlationAlerts(windows);
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts[0]).toMatchObject({ kind: 'correlation', window: { to: expect.any(String) } });
    expect(alerts[0]!.message).toMatch(/no longer predicts/);
    expect(alerts.every((a) => a.window.to > day(7))).toBe(true);
  });

  it('per segment, and nothing before `periods` points', () => {
    const pts = planted().slice(0, 8);
    const seg = [
      ...pts.map((p) => ({ ...p, segment: 'a' })),
      ...pts.slice(0, 5).map((p) => ({ ...p, segment: 'b' })),
    ];
    const windows = rollingCorrelation(seg, { periods: 8, alertBelow: 0.7 });
    expect(windows.map((w) => w.segment)).toEqual(['a']);
  });

  it('a series constant to within floating-point noise (a mean of two runs) gives no rho, not a thrown error', () => {
    // (0.9 + 0.8) / 2 is 0.8500000000000001: distinct from 0.85 for a Set, tied for Spearman's ranks.
    const offline = [0.85, 0.85, 0.85, (0.9 + 0.8) / 2, 0.85, 0.85, 0.85, 0.85];
    const points = offline.map((v, d) => ({ period: day(d), offline: v, online: 0.5 + d / 100 }));
    const [w] = rollingCorrelation(points, { periods: 8, alertBelow: 0.7 });
    expect(w).toMatchObject({ rho: null, alert: false });
    const online = points.map((p) => ({ period: p.period, value: p.online }));
    const rows = predictorTable(
      { mean: points.map((p) => ({ period: p.period, value: p.offline })) },
      online,
    );
    expect(rows[0]).toMatchObject({ offline: 'mean', rho: null });
  });

  it('ranks the offline evaluators by how well they predict the online metric', () => {
    const online = planted().map((p) => ({ period: p.period, value: p.offline }));
    const rows = predictorTable(
      {
        noise: online.map((p, i) => ({ period: p.period, value: (i * 7919) % 13 })),
        faithfulness: online.map((p) => ({ period: p.period, value: p.value + 0.01 })),
        constant: online.map((p) => ({ period: p.period, value: 1 })),
      },
      online,
    );
    expect(rows.map((r) => r.offline)).toEqual(['faithfulness', 'noise', 'constant']);
    expect(rows[0]!.rho).toBeCloseTo(1);
    expect(rows[2]!.rho).toBeNull();
  });
});
