import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import { parseDuration } from '../core/duration.js';
import { AssayError } from '../core/errors.js';
import { DEFAULT_PROJECT } from '../core/run.js';
import { disagreementLine, type HealthReport, healthOf } from '../datasets/hygiene/health.js';
import { firstSeen } from '../datasets/hygiene/versions.js';
import { loadDataset } from '../datasets/load.js';
import { expectedEvaluatorName } from '../evaluators/compares-expected.js';
import { recentlyReviewed } from '../review/recent.js';
import { openStores } from '../store/open.js';
import { DEFAULT_DB } from '../store/sqlite.js';
import { printable } from '../util/text-file.js';
import { EXIT } from './exit-codes.js';

export interface DatasetHealthFlags {
  config?: string;
  json?: boolean;
  horizon?: string;
  db?: string;
  project?: string;
  reviewSince?: string;
  reviewQueue?: string[];
  reviewDimension?: string;
  reviewPass?: string;
  maxReviewDisagreements?: string;
}

/**
 * `assay dataset health FILE [-c assay.yaml]`: strata against the config's `strata:` targets,
 * duplicates, missing expected answers, length outliers, stale cases, and expected answers that
 * recent human review labels contradict. Exit 1 on any problem.
 */
export async function datasetHealthCommand(
  file: string,
  flags: DatasetHealthFlags,
  env: Record<string, string | undefined>,
): Promise<number> {
  const dataset = await loadDataset(file);
  const config = flags.config ? (await loadConfig(resolve(flags.config), env)).config : undefined;
  const needsExpected = (config?.evaluators ?? []).some((e) => expectedEvaluatorName(e) !== undefined);
  const reviewOptions = reviewFlags(flags);
  const stored = await fromStore(flags, dataset.name, reviewOptions.sinceMs);
  const report = healthOf(dataset.cases, {
    ...(stored.firstSeen ? { firstSeen: stored.firstSeen } : {}),
    ...(config?.strata ? { strata: config.strata as Record<string, Record<string, number>> } : {}),
    needsExpected,
    ...(flags.horizon ? { horizonMs: parseDuration(flags.horizon, { field: '--horizon' }) } : {}),
    ...(stored.reviewed
      ? {
          review: {
            queues: stored.reviewed,
            since: new Date(reviewOptions.sinceMs).toISOString(),
            ...reviewOptions.read,
          },
        }
      : { reviewUnchecked: stored.why }),
  });
  const skipped = report.reviewLabels.checked ? report.reviewLabels.skipped : [];
  if (flags.reviewQueue?.length && skipped.length)
    throw new AssayError('usage', `queue ${skipped[0]!.queue}: ${skipped[0]!.reason}`, {
      field: '--review-queue',
    });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const lines = [`${dataset.name}@${dataset.version.slice(0, 12)}: ${report.cases} case(s)`];
    for (const s of report.strata)
      lines.push(
        `  ${s.tag}=${s.value}: ${s.count} (${(s.share * 100).toFixed(1)}%${s.target === undefined ? '' : `, target ${(s.target * 100).toFixed(1)}%`})`,
      );
    lines.push(...reviewLines(report));
    lines.push(report.problems.length ? `${report.problems.length} problem(s):` : 'No problems.');
    for (const p of report.problems) lines.push(`  - ${p}`);
    process.stdout.write(`${printable(lines.join('\n'))}\n`);
  }
  return report.problems.length ? EXIT.gatesFailed : EXIT.ok;
}

/** The review-label flags, checked: one line naming the flag on anything wrong. */
function reviewFlags(flags: DatasetHealthFlags) {
  const sinceMs = Date.now() - parseDuration(flags.reviewSince ?? '90d', { field: '--review-since' });
  const pass = flags.reviewPass;
  const level = pass === undefined ? undefined : /^\d+(\.\d+)?$/.test(pass) ? Number(pass) : pass.split(',');
  if (Array.isArray(level) && level.some((l) => l.trim() === ''))
    throw new AssayError('usage', '--review-pass: give a score (4) or the correct labels (good,acceptable)', {
      field: '--review-pass',
    });
  const max = flags.maxReviewDisagreements === undefined ? 0 : Number(flags.maxReviewDisagreements);
  if (!Number.isInteger(max) || max < 0)
    throw new AssayError('usage', '--max-review-disagreements: expected a whole number (0 or more)', {
      field: '--max-review-disagreements',
    });
  return {
    sinceMs,
    read: {
      ...(flags.reviewDimension ? { dimension: flags.reviewDimension } : {}),
      ...(level === undefined ? {} : { pass: Array.isArray(level) ? level.map((l) => l.trim()) : level }),
      maxDisagreements: max,
    },
  };
}

/**
 * What the store knows of the dataset: when each case was first stored, and the project's recent
 * review labels. Read from `--db`, or the default store when it exists (never created here).
 */
async function fromStore(flags: DatasetHealthFlags, name: string, sinceMs: number) {
  if (flags.db === undefined && !existsSync(DEFAULT_DB))
    return { why: `no store: give --db (no ${DEFAULT_DB} here)` };
  const stores = await openStores(flags.db);
  try {
    const seen = await firstSeen(stores.runs, name);
    const projectName = flags.project ?? DEFAULT_PROJECT;
    const project = await stores.traces.projectByName(projectName);
    if (!project) {
      if (flags.reviewQueue?.length)
        throw new AssayError('usage', `no project "${projectName}" in this store (no review queue either)`, {
          field: '--project',
        });
      return { firstSeen: seen, why: `no project "${projectName}" in the store: no review queue` };
    }
    const reviewed = await recentlyReviewed(stores.reviews, project.id, {
      sinceMs,
      ...(flags.reviewQueue ? { queues: flags.reviewQueue } : {}),
    });
    return { firstSeen: seen, reviewed };
  } finally {
    await stores.traces.close();
  }
}

function reviewLines(report: HealthReport): string[] {
  const r = report.reviewLabels;
  if (!r.checked) return [`  review labels: not checked (${r.reason})`];
  const rules = r.rules.map(
    (x) =>
      `${x.queue} (${x.dimension} ${'atLeast' in x.correct ? `≥ ${x.correct.atLeast}` : `in ${x.correct.labels.join('/')}`} is correct)`,
  );
  const not = Object.entries(r.notCompared).map(([why, n]) => `${n} ${why}`);
  const lines = [
    `  review labels since ${r.since.slice(0, 10)}: ${r.items} item(s) of this file's cases, ${r.compared} compared${not.length ? ` (not compared: ${not.join('; ')})` : ''}; ${report.reviewDisagreements.length} disagreement(s), at most ${r.maxDisagreements} allowed`,
    `    queues: ${rules.length ? rules.join(', ') : 'none'}`,
  ];
  for (const s of r.skipped) lines.push(`    queue ${s.queue} left out: ${s.reason}`);
  if (report.reviewDisagreements.length <= r.maxDisagreements)
    for (const d of report.reviewDisagreements) lines.push(`    ${disagreementLine(d)}`);
  return lines;
}
