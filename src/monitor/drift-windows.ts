import { createHash } from 'node:crypto';
import type { MonitorConfig } from '../config/monitor.js';
import type { MonitorAlert } from './alert.js';
import { DEFAULT_ALPHA, detectDrift, driftAlerts, type WindowReport } from './detect.js';
import type { DriftWindowSettings, DriftWindowStore } from './drift-store.js';
import { trafficRange } from './run-monitor.js';
import type { MonitoredTrace } from './traffic.js';

/** Raised when a window's computation changes, so windows stored by older code are not reused. */
const FORMAT = 1;

/**
 * What a stored window depends on besides its traffic, and a key naming it: a window stored under
 * other settings (another reference, tests, segments, window length, embedder) is computed afresh.
 */
export function driftWindowSettings(
  config: MonitorConfig,
  window: number,
  embedder?: string,
): DriftWindowSettings {
  const d = config.drift;
  const value = {
    format: FORMAT,
    window,
    alpha: DEFAULT_ALPHA,
    // Each window is its own chart (λ = 1): its figures do not depend on the range asked for.
    chart: 'per-window',
    reference: d.reference,
    inputs: d.inputs,
    // Input drift compares vectors: another embedder's windows are not this one's.
    embedder: d.inputs === 'embedding' ? (embedder ?? null) : null,
    outputs: d.outputs,
    metrics: d.metrics,
    segments: d.bySegment ? config.segments : null,
  };
  return { key: createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32), value };
}

export interface StoredDriftOptions {
  config: MonitorConfig;
  projectId: string;
  /** Windows of `window` ms from `from` until `to` (the last one cut at `to`), epoch ms. */
  from: number;
  to: number;
  window: number;
  /** A window that has not ended by then is computed but not stored: its traffic is still coming. */
  now: number;
  /** The project's traffic that started in [fromMs, toMs). */
  traffic(fromMs: number, toMs: number): Promise<MonitoredTrace[]>;
  embed?: (texts: string[]) => Promise<ArrayLike<number>[]>;
  /** The id of the embedder behind `embed` (part of what a stored window depends on). */
  embedder?: string;
  /** Without it every window is computed and nothing is kept. */
  store?: DriftWindowStore;
}

/**
 * The drift of every window of [from, to), each closed window read from the store when it was
 * computed before (by the monitor worker or an earlier request) and otherwise computed now and
 * stored, so no closed window is computed twice. Windows are tested one by one (a mean chart with a
 * fixed reference has λ = 1), so a stored window is what any range would compute for it. Returns
 * the windows, their alerts and how many windows were computed here.
 */
export async function storedDrift(
  opts: StoredDriftOptions,
): Promise<{ windows: WindowReport[]; alerts: MonitorAlert[]; computed: number }> {
  const { config, window: w } = opts;
  const settings = driftWindowSettings(config, w, opts.embedder);
  const starts: number[] = [];
  for (let s = opts.from; s < opts.to; s += w) starts.push(s);
  const storable = (s: number) => s + w <= opts.to && s + w <= opts.now;
  const found = opts.store
    ? await opts.store.driftWindows(opts.projectId, settings.key, w, opts.from, opts.to)
    : new Map<number, WindowReport>();
  const byStart = new Map<number, WindowReport>();
  for (const s of starts) {
    const hit = storable(s) ? found.get(s) : undefined;
    if (hit) byStart.set(s, hit);
  }
  // Runs of consecutive windows still to compute, each in one pass (its reference embedded once).
  const runs: number[][] = [];
  for (const s of starts) {
    if (byStart.has(s)) continue;
    const last = runs.at(-1);
    if (last && last.at(-1)! + w === s) last.push(s);
    else runs.push([s]);
  }
  let computed = 0;
  for (const run of runs) {
    const from = run[0]!;
    const to = Math.min(run.at(-1)! + w, opts.to);
    const { loadFrom, loadTo } = trafficRange(config, from, to, w);
    const drift = await detectDrift(await opts.traffic(loadFrom, loadTo), {
      from,
      to,
      window: w,
      reference: config.drift.reference,
      inputs: config.drift.inputs,
      outputs: config.drift.outputs,
      metrics: config.drift.metrics,
      ...(config.drift.bySegment ? { segments: config.segments } : {}),
      historyFrom: loadFrom,
      lambda: 1,
      ...(opts.embed ? { embed: opts.embed } : {}),
    });
    drift.windows.forEach((r, i) => {
      byStart.set(run[i]!, r);
    });
    computed += drift.windows.length;
    const closed = drift.windows.filter((_, i) => storable(run[i]!));
    if (opts.store && closed.length)
      await opts.store.saveDriftWindows(opts.projectId, settings, w, closed, { computedMs: opts.now });
  }
  const windows = starts.map((s) => byStart.get(s)!);
  return { windows, alerts: driftAlerts(windows), computed };
}
