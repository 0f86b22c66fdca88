import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import { parseDuration } from '../core/duration.js';
import { healthOf } from '../datasets/hygiene/health.js';
import { firstSeen } from '../datasets/hygiene/versions.js';
import { loadDataset } from '../datasets/load.js';
import { openStore } from '../store/open.js';
import { DEFAULT_DB } from '../store/sqlite.js';
import { printable } from '../util/text-file.js';
import { EXIT } from './exit-codes.js';

/** Evaluator types that compare the output with the case's `expected` unless given a value of their own. */
const NEEDS_EXPECTED = new Set([
  'exact-match',
  'rouge-l',
  'bleu',
  'levenshtein',
  'numeric',
  'similar',
  'factuality',
]);

/**
 * `assay dataset health FILE [-c assay.yaml]`: strata against the config's `strata:` targets,
 * duplicates, missing expected answers, length outliers and stale cases. Exit 1 on any problem.
 */
export async function datasetHealthCommand(
  file: string,
  flags: { config?: string; json?: boolean; horizon?: string; db?: string },
  env: Record<string, string | undefined>,
): Promise<number> {
  const dataset = await loadDataset(file);
  const config = flags.config ? (await loadConfig(resolve(flags.config), env)).config : undefined;
  const needsExpected = (config?.evaluators ?? []).some(
    (e) => NEEDS_EXPECTED.has(e.type) && !('expected' in e) && !('value' in e),
  );
  const firstSeen = await storedFirstSeen(flags.db, dataset.name);
  const report = healthOf(dataset.cases, {
    ...(firstSeen ? { firstSeen } : {}),
    ...(config?.strata ? { strata: config.strata as Record<string, Record<string, number>> } : {}),
    needsExpected,
    ...(flags.horizon ? { horizonMs: parseDuration(flags.horizon, { field: '--horizon' }) } : {}),
  });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const lines = [`${dataset.name}@${dataset.version.slice(0, 12)}: ${report.cases} case(s)`];
    for (const s of report.strata)
      lines.push(
        `  ${s.tag}=${s.value}: ${s.count} (${(s.share * 100).toFixed(1)}%${s.target === undefined ? '' : `, target ${(s.target * 100).toFixed(1)}%`})`,
      );
    lines.push(`  review labels: ${report.reviewLabels.reason}`);
    lines.push(report.problems.length ? `${report.problems.length} problem(s):` : 'No problems.');
    for (const p of report.problems) lines.push(`  - ${p}`);
    process.stdout.write(`${printable(lines.join('\n'))}\n`);
  }
  return report.problems.length ? EXIT.gatesFailed : EXIT.ok;
}

/** The first stored version of each case, from `--db` or the default store when it exists (never created here). */
async function storedFirstSeen(
  db: string | undefined,
  name: string,
): Promise<Map<string, string> | undefined> {
  if (db === undefined && !existsSync(DEFAULT_DB)) return undefined;
  const store = await openStore(db);
  try {
    return await firstSeen(store, name);
  } finally {
    await store.close();
  }
}
