import type { MonitorConfig } from '../config/monitor.js';
import type { ModelCaller } from '../core/model-call.js';
import type { Store } from '../core/store.js';
import type { TraceStore } from '../core/trace-store.js';
import type { ReviewStore } from '../review/store.js';
import type { AlertStore } from './alert-store.js';
import { recordAlerts } from './alerting.js';
import { JudgeBudget } from './budget.js';
import type { WindowReport } from './detect.js';
import type { DriftWindowStore } from './drift-store.js';
import { driftWindowSettings } from './drift-windows.js';
import { loadTraffic, writeOnlineScores } from './from-store.js';
import type { OnlineEvaluator } from './online-eval.js';
import { feedReviewQueue } from './review-sampling.js';
import { type MonitorReport, runMonitor } from './run-monitor.js';
import { localClaims, type WindowClaims } from './window-claims.js';

export interface WorkerOptions {
  config: MonitorConfig;
  traces: TraceStore;
  alerts: AlertStore;
  runs?: Store;
  /** Where the `review:` rule's sampled traces go. */
  reviews?: ReviewStore;
  embed?: (texts: string[]) => Promise<ArrayLike<number>[]>;
  /** The id of the embedder behind `embed`: windows stored with another embedder are not reused. */
  embedder?: string;
  evaluators?: OnlineEvaluator[];
  models?: ModelCaller;
  /** How often to look for a newly completed window (default: the config's `checkEvery`, 1m). */
  intervalMs?: number;
  now?: () => number;
  /** Where a failed pass is reported (default: stderr); the worker keeps going. */
  onError?: (error: unknown) => void;
  /**
   * Who runs a window when several `assay serve` instances share the store (default: this process
   * runs every window). A window another instance has done is skipped here; while another
   * instance runs a pass, this one waits for the next tick.
   */
  claims?: WindowClaims;
  /** Where each window's drift is kept for the drift route (`GET /api/v1/monitor/drift` reads it, not computing it again). */
  driftWindows?: DriftWindowStore;
  /** Called after each window is computed (tests, logs). */
  onWindow?: (report: MonitorReport) => void;
}

export interface MonitorWorker {
  /** Computes every window completed since the last one done; resolves when that is finished. */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The monitor inside `assay serve`: every `intervalMs`, each window that has closed since the last
 * pass is computed with `runMonitor` (the function `assay monitor run --once` calls) and its alerts
 * recorded (deduplicated, cooldown, webhook). The judge budget lives across passes. Passes never
 * overlap; a failed pass is reported and the window tried again on the next tick.
 */
export function startMonitorWorker(opts: WorkerOptions): MonitorWorker {
  const now = opts.now ?? Date.now;
  const w = opts.config.drift.window;
  const budget = new JudgeBudget(opts.config.budget);
  let done = Math.floor(now() / w) * w;
  let running: Promise<void> | undefined;
  let stopped = false;
  const complain = (error: unknown) =>
    (opts.onError ?? ((e) => process.stderr.write(`assay: monitor: ${String(e)}\n`)))(error);
  const pass = async () => {
    const project = await opts.traces.projectByName(opts.config.project);
    if (!project) return;
    const closed = Math.floor(now() / w) * w;
    const claims = opts.claims ?? localClaims;
    while (done < closed && !stopped) {
      const from = done;
      // Another instance running the monitor: this window is tried again on the next tick.
      if ((await claims.runOnce(project.id, 'monitor', from, () => windowPass(project, from))) === 'busy')
        return;
      done += w;
    }
  };
  /** One window's pass: drift, online scores, alerts (webhook), review sampling. */
  const windowPass = async (project: { id: string; name: string }, from: number) => {
    const report = await runMonitor({
      config: opts.config,
      from,
      to: from + w,
      traffic: (a, b) => loadTraffic(opts.traces, project.id, a, b),
      budget,
      ...(opts.embed ? { embed: opts.embed } : {}),
      ...(opts.evaluators && opts.models ? { evaluators: opts.evaluators, models: opts.models } : {}),
      ...(opts.runs ? { runs: await opts.runs.listRuns({ limit: 10_000, project: project.name }) } : {}),
      now,
      // Tested on its own, as the drift route tests every window it stores (drift-windows.ts).
      lambda: 1,
    });
    if (opts.driftWindows) {
      const drift = report.windows.map(({ sampling: _s, online: _o, ...rest }): WindowReport => rest);
      await opts.driftWindows.saveDriftWindows(
        project.id,
        driftWindowSettings(opts.config, w, opts.embedder),
        w,
        drift,
        {
          computedMs: now(),
          replace: true,
        },
      );
    }
    await writeOnlineScores(opts.traces, project.id, report.newScores, now());
    await recordAlerts(report.alerts, opts.alerts, {
      projectId: project.id,
      cooldownMs: opts.config.alerts.cooldown,
      ...(opts.config.alerts.notify.webhook ? { webhook: opts.config.alerts.notify.webhook } : {}),
      now,
    });
    const rule = opts.config.review;
    if (rule && opts.reviews && report.review.length) {
      // A missing queue is reported each window, but never holds back alerts or the next window.
      await feedReviewQueue(opts.reviews, project.id, rule, report.review, now()).catch(complain);
    }
    opts.onWindow?.(report);
  };
  const tick = () => {
    running ??= pass()
      .catch(complain)
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => void tick(), opts.intervalMs ?? opts.config.checkEvery);
  timer.unref();
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
