import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import type { Case } from '../core/case.js';
import { parseDuration } from '../core/duration.js';
import { AssayError } from '../core/errors.js';
import { proposeRefresh, type RefreshProposal } from '../datasets/hygiene/refresh.js';
import { stringLeaves } from '../datasets/hygiene/words.js';
import { loadDataset } from '../datasets/load.js';
import { createEmbeddingService } from '../embeddings/service.js';
import { loadTraffic } from '../monitor/from-store.js';
import { table } from '../report/table.js';
import { writeTextFile } from '../report/write-file.js';
import { openTraceStore } from '../store/open.js';
import { readSuiteDataset } from '../suite/build-suite.js';
import { printable } from '../util/text-file.js';
import { EXIT } from './exit-codes.js';

export interface DatasetRefreshFlags {
  since?: string;
  percent?: string;
  count?: string;
  stratifyBy?: string[];
  to?: string;
  golden?: string;
  config?: string;
  project?: string;
  inputVar?: string;
  seed?: string;
  json?: boolean;
  db?: string;
}

/**
 * `assay dataset refresh --since 90d --percent 15 [--stratify-by tags.segment] --to proposals.jsonl`:
 * new golden cases proposed from stored production traffic, as dataset rows (`origin: production`,
 * the trace id, PII masked) for human review before they join the set.
 */
export async function datasetRefreshCommand(
  flags: DatasetRefreshFlags,
  env: Record<string, string | undefined>,
): Promise<number> {
  if (!flags.to)
    throw new AssayError('usage', 'name the proposals file with --to FILE (JSONL)', { field: '--to' });
  const since = parseDuration(flags.since ?? '90d', { field: '--since' });
  const configFile = flags.config
    ? resolve(flags.config)
    : flags.golden
      ? undefined
      : ['assay.yaml', 'assay.yml'].map((f) => resolve(f)).find(existsSync);
  if (flags.config && !existsSync(configFile!))
    throw new AssayError('config.missing', 'config file not found', { file: flags.config });
  const loaded = configFile ? await loadConfig(configFile, env) : undefined;
  if (!flags.golden && !loaded)
    throw new AssayError('usage', 'name the golden set with --golden FILE or -c assay.yaml', {
      field: '--golden',
    });
  const golden = flags.golden
    ? await loadDataset(resolve(flags.golden))
    : (await readSuiteDataset(loaded!)).dataset;
  const count = proposalCount(flags, golden.cases.length);
  const seed = flags.seed === undefined ? 1 : Number(flags.seed);
  if (!Number.isInteger(seed))
    throw new AssayError('usage', `--seed expects a whole number, got "${flags.seed}"`, { field: '--seed' });

  const store = await openTraceStore(flags.db);
  try {
    const projectName = flags.project ?? 'default';
    const project = await store.projectByName(projectName);
    if (!project)
      throw new AssayError('usage', `no project "${projectName}" in this store`, { field: '--project' });
    const now = Date.now();
    const traffic = await loadTraffic(store, project.id, now - since, now + 1);
    const embedder = await createEmbeddingService({
      env,
      ...(loaded?.config.embedder ? { defaultSpec: loaded.config.embedder } : {}),
    }).embedder();
    const report = await proposeRefresh(golden.cases, traffic, {
      count,
      stratifyBy: flags.stratifyBy ?? [],
      embed: (texts) => embedder.embed(texts),
      seed,
    });
    const inputVar = flags.inputVar ?? inputVariable(golden.cases);
    const rows = report.proposals.map((p) => proposalRow(p, inputVar));
    await writeTextFile(flags.to, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
    if (flags.json) {
      const { proposals: _p, ...summary } = report;
      process.stdout.write(
        `${JSON.stringify({ ...summary, proposed: rows.length, to: flags.to }, null, 2)}\n`,
      );
      return EXIT.ok;
    }
    const lines = [
      `${report.considered} distinct production input(s) since ${new Date(now - since).toISOString()}; ` +
        `${report.uncoveredClusters} of ${report.clusters} input cluster(s) have no golden case.`,
      table(
        [
          ['stratum', 'traffic', 'proposed'],
          ...report.strata.map((s) => [printable(s.stratum), String(s.traffic), String(s.proposed)]),
        ],
        ['l', 'r', 'r'],
      ),
      `${rows.length} proposal(s) written to ${flags.to} (PII masked, origin: production).`,
      `Review them before they join ${golden.name}: assay review add --queue Q --file ${flags.to}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

/** `--count N`, or `--percent P` of the golden set (default 15%), at least one. */
function proposalCount(flags: DatasetRefreshFlags, goldenSize: number): number {
  if (flags.count !== undefined) {
    const n = Number(flags.count);
    if (!Number.isInteger(n) || n < 1)
      throw new AssayError('usage', `--count expects a whole number ≥ 1, got "${flags.count}"`, {
        field: '--count',
      });
    return n;
  }
  const text = flags.percent ?? '15';
  const p = Number(text.replace(/%$/, ''));
  if (!Number.isFinite(p) || p <= 0 || p > 100)
    throw new AssayError('usage', `--percent expects a number in (0, 100], got "${text}"`, {
      field: '--percent',
    });
  return Math.max(1, Math.round((p / 100) * goldenSize));
}

/** The variable that holds the golden cases' input: the one most often a text (`input` when none). */
function inputVariable(cases: readonly Case[]): string {
  const counts = new Map<string, number>();
  for (const c of cases)
    for (const [k, v] of Object.entries(c.vars))
      if (stringLeaves(v).length) counts.set(k, (counts.get(k) ?? 0) + 1);
  let best = 'input';
  let most = 0;
  for (const [k, n] of counts) if (n > most) [best, most] = [k, n];
  return best;
}

/** A proposal as a dataset row: the input under the golden set's variable, the trace's tags, where it came from. */
function proposalRow(p: RefreshProposal, inputVar: string): Record<string, unknown> {
  return {
    id: `prod-${p.trace.id.slice(0, 16)}`,
    [inputVar]: p.input,
    tags: p.tags,
    origin: 'production',
    traceId: p.trace.id,
    created: new Date(p.trace.timestamp).toISOString(),
    reasons: p.reasons,
    ...(p.nearest ? { nearestCase: p.nearest.caseId, nearestSimilarity: p.nearest.similarity } : {}),
    observed: p.output,
  };
}
