import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { importModule } from '../config/load.js';
import { loadMonitorConfig } from '../config/load-monitor.js';
import { type MonitorConfig, monitorSchema } from '../config/monitor.js';
import { parseDuration } from '../core/duration.js';
import { AssayError } from '../core/errors.js';
import type { ModelCaller } from '../core/model-call.js';
import { createEmbeddingService } from '../embeddings/service.js';
import { recordAlerts } from '../monitor/alerting.js';
import { loadTraffic, writeOnlineScores } from '../monitor/from-store.js';
import { createOnlineEvaluators, type OnlineEvaluator } from '../monitor/online-eval.js';
import { feedReviewQueue } from '../monitor/review-sampling.js';
import { runMonitor } from '../monitor/run-monitor.js';
import { otlpSettings } from '../otel/settings.js';
import { queueNamed } from '../review/sourced.js';
import { standaloneModelCaller } from '../runner/call-model.js';
import { openMonitorStores } from '../store/open.js';
import { EXIT } from './exit-codes.js';

export function instant(text: string, field: string): number {
  const ms = Date.parse(text);
  if (!Number.isFinite(ms))
    throw new AssayError('usage', `expected an ISO date or time, got "${text}"`, { field });
  return ms;
}

/** The monitor's config and what it runs with: the embedder, the online evaluators, the judge call path. */
export async function monitorParts(
  configFile: string | undefined,
  env: Record<string, string | undefined>,
): Promise<{
  config: MonitorConfig;
  file: string | undefined;
  embed: (texts: string[]) => Promise<ArrayLike<number>[]>;
  /** The embedder's id (stored drift windows depend on it). */
  embedder: string;
  evaluators?: OnlineEvaluator[];
  models: ModelCaller;
}> {
  const file = configFile
    ? resolve(configFile)
    : ['assay.yaml', 'assay.yml'].map((f) => resolve(f)).find(existsSync);
  if (configFile && !existsSync(file!))
    throw new AssayError('config.missing', 'config file not found', { file: configFile });
  const config = file ? (await loadMonitorConfig(file, env)).monitor : monitorSchema.parse({});
  const embeddings = createEmbeddingService({ env });
  const embedder = await embeddings.embedder();
  const evaluators = config.evaluators.length
    ? await createOnlineEvaluators(
        config.evaluators,
        { baseDir: file ? dirname(file) : process.cwd(), loadModule: importModule, env, embeddings },
        file ? { file } : {},
      )
    : undefined;
  return {
    config,
    file,
    embed: (texts) => embedder.embed(texts),
    embedder: embedder.id,
    ...(evaluators ? { evaluators } : {}),
    models: standaloneModelCaller().models,
  };
}

export interface MonitorRunFlags {
  config?: string;
  db?: string;
  once?: boolean;
  from?: string;
  to?: string;
  window?: string;
  json?: string;
  failOnAlert?: boolean;
  otlpEndpoint?: string;
}

/**
 * `assay monitor run --once`: every window in [--from, --to) computed from stored traffic (so it
 * works on backfilled data and in CI), alerts recorded (deduplicated, cooldown, webhook) and
 * written as JSON. Exit 0, or 1 with --fail-on-alert when an alert fired.
 */
export async function monitorRunCommand(
  flags: MonitorRunFlags,
  env: Record<string, string | undefined>,
): Promise<number> {
  if (!flags.once) {
    throw new AssayError(
      'usage',
      'only --once is supported here; the continuous worker runs inside "assay serve"',
      {
        field: '--once',
      },
    );
  }
  const parts = await monitorParts(flags.config, env);
  const { config } = parts;
  const window = flags.window ? parseDuration(flags.window, { field: '--window' }) : config.drift.window;
  const to = flags.to ? instant(flags.to, '--to') : Math.floor(Date.now() / window) * window;
  const from = flags.from ? instant(flags.from, '--from') : to - 30 * window;
  // A bad endpoint is a usage error before any work.
  const otlp = otlpSettings(flags.otlpEndpoint, env);
  if (!(from < to)) throw new AssayError('usage', '--from must be before --to', { field: '--from' });
  const stores = await openMonitorStores(flags.db);
  try {
    const project = await stores.traces.projectByName(config.project);
    if (!project)
      throw new AssayError('usage', `no project "${config.project}" in this store`, {
        field: 'monitor.project',
      });
    // A `review:` rule naming a missing queue is a config error: said before any work.
    if (config.review)
      await queueNamed(stores.reviews, project.id, config.review.queue, 'monitor.review.queue');
    // The same claim as the servers' monitor worker (an advisory lock per project on PostgreSQL): a
    // cron'd run beside running servers waits for their pass, and theirs for it, so no trace is
    // scored twice. The traffic is loaded under the claim, after any pass that held it.
    const { report, written, recorded, queued } = await stores.claims.exclusive(
      project.id,
      'monitor',
      async () => {
        const report = await runMonitor({
          config,
          from,
          to,
          window,
          traffic: (a, b) => loadTraffic(stores.traces, project.id, a, b),
          embed: parts.embed,
          ...(parts.evaluators ? { evaluators: parts.evaluators, models: parts.models } : {}),
          runs: await stores.runs.listRuns({ limit: 10_000, project: project.name }),
        });
        const written = await writeOnlineScores(stores.traces, project.id, report.newScores, Date.now());
        if (otlp) {
          const { exportOnlineScores } = await import('../otel/online-scores.js');
          const tally = await exportOnlineScores(otlp, report.newScores);
          process.stderr.write(
            tally.failed === 0
              ? `assay monitor: ${tally.exported} online-score spans exported over OTLP\n`
              : `assay monitor: warning: ${tally.failed} online-score spans not exported over OTLP: ${tally.error}\n`,
          );
        }
        const recorded = await recordAlerts(report.alerts, stores.alerts, {
          projectId: project.id,
          cooldownMs: config.alerts.cooldown,
          ...(config.alerts.notify.webhook ? { webhook: config.alerts.notify.webhook } : {}),
        });
        const queued = config.review
          ? await feedReviewQueue(stores.reviews, project.id, config.review, report.review, Date.now())
          : undefined;
        return { report, written, recorded, queued };
      },
      () => process.stderr.write("assay monitor: waiting for a running server's monitor pass to finish\n"),
    );
    const out = {
      windows: report.windows,
      correlation: report.correlation,
      predictors: report.predictors,
      alerts: report.alerts,
      ...(queued
        ? { review: { queue: queued.queue, added: queued.added.length, already: queued.already } }
        : {}),
    };
    if (flags.json) await writeFile(flags.json, `${JSON.stringify(out, null, 2)}\n`);
    const tested = report.windows.filter((w) => w.status === 'tested').length;
    process.stdout.write(
      `assay monitor: ${report.windows.length} windows (${tested} tested), ${report.alerts.length} alerts (${recorded.recorded.length} new, ${recorded.suppressed.length} held back)${written ? `, ${written} online scores stored` : ''}${queued ? `, ${queued.added.length} traces queued for review in "${queued.queue}"${queued.already ? ` (${queued.already} already there)` : ''}` : ''}\n`,
    );
    for (const a of report.alerts)
      process.stdout.write(`  ${a.window.from.slice(0, 16)}  ${a.kind}  ${a.message}\n`);
    return flags.failOnAlert && report.alerts.length > 0 ? EXIT.gatesFailed : EXIT.ok;
  } finally {
    await stores.close();
  }
}

/** `assay alerts [--since 7d] [--json]`: the alerts recorded lately. */
export async function alertsCommand(flags: {
  db?: string;
  project?: string;
  since?: string;
  json?: boolean;
}): Promise<number> {
  const since = parseDuration(flags.since ?? '7d', { field: '--since' });
  const stores = await openMonitorStores(flags.db);
  try {
    const name = flags.project ?? 'default';
    const project = await stores.traces.projectByName(name);
    if (!project) throw new AssayError('usage', `no project "${name}" in this store`, { field: '--project' });
    const alerts = await stores.alerts.listAlerts(project.id, Date.now() - since);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(alerts, null, 2)}\n`);
      return EXIT.ok;
    }
    if (alerts.length === 0) {
      process.stdout.write(`No alerts in the last ${flags.since ?? '7d'}.\n`);
      return EXIT.ok;
    }
    for (const a of alerts) {
      const sent = a.notified ? 'sent' : a.notifyError ? `not sent: ${a.notifyError}` : 'stored';
      process.stdout.write(
        `${a.window.from.slice(0, 16)}  ${a.kind}${a.segment ? ` [${a.segment}]` : ''}  ${a.message}  (${sent})\n`,
      );
    }
    return EXIT.ok;
  } finally {
    await stores.close();
  }
}
