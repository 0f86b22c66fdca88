import { AssayError } from '../core/errors.js';
import { table } from '../report/table.js';
import { formatSummary } from '../report/terminal.js';
import { openStore } from '../store/open.js';
import { EXIT } from './exit-codes.js';
import { showJudgeSections } from './judge-bias.js';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** `assay runs`: the newest runs, one a line. */
export async function runsCommand(flags: { db?: string; limit?: number; json?: boolean }): Promise<number> {
  const store = await openStore(flags.db);
  try {
    const runs = await store.listRuns({ limit: flags.limit ?? 20 });
    if (flags.json) {
      process.stdout.write(
        `${JSON.stringify(
          runs.map(({ summary, ...r }) => ({ ...r, passRate: summary?.passRate ?? null })),
          null,
          2,
        )}\n`,
      );
      return EXIT.ok;
    }
    if (runs.length === 0) {
      process.stdout.write('No runs yet. Run "assay eval" first.\n');
      return EXIT.ok;
    }
    const rows = runs.map((r) => [
      r.id,
      r.createdAt.slice(0, 19).replace('T', ' '),
      r.status,
      `${r.provenance.dataset.name}@${r.provenance.dataset.version.slice(0, 8)}`,
      r.summary ? String(r.summary.total) : '–',
      r.summary ? pct(r.summary.passRate) : '–',
      r.summary ? String(r.summary.errors) : '–',
      r.description ?? '',
    ]);
    process.stdout.write(
      `${table([['run', 'created (UTC)', 'status', 'dataset', 'results', 'pass', 'errors', 'description'], ...rows], ['l', 'l', 'l', 'l', 'r', 'r', 'r', 'l'])}\n`,
    );
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

/** `assay show <run-id>`: the summary of a stored run and its provenance. */
export async function showCommand(
  id: string,
  flags: { db?: string; json?: boolean; failures?: boolean },
): Promise<number> {
  const store = await openStore(flags.db);
  try {
    const run = await store.getRun(id);
    if (!run) throw new AssayError('run.not-found', `no run "${id}" in the store`);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
      return EXIT.ok;
    }
    const p = run.provenance;
    const lines = [
      `Run ${run.id} · ${run.status} · created ${run.createdAt}${run.finishedAt ? ` · finished ${run.finishedAt}` : ''}`,
      run.description ? `Description: ${run.description}` : '',
      `Dataset: ${p.dataset.name}@${p.dataset.version} (${p.dataset.cases} cases)${p.promptHash ? ` · prompt ${p.promptHash}` : ''} · config ${p.configHash}`,
      `Targets: ${p.targets.map((t) => `${t.id} (${t.provider})`).join(', ')}`,
      `Assay ${p.assayVersion} on Node ${p.nodeVersion}${p.gitCommit ? ` · git ${p.gitCommit.slice(0, 12)}${p.gitDirty ? ' (dirty)' : ''}` : ''}`,
      run.error ? `Error: ${run.error}` : '',
    ].filter(Boolean);
    process.stdout.write(`${lines.join('\n')}\n\n`);
    if (run.summary)
      process.stdout.write(`${formatSummary(run, run.summary, { color: Boolean(process.stdout.isTTY) })}\n`);
    await showJudgeSections(store, run, process.stdout);
    if (flags.failures) {
      const { failuresText } = await import('./report.js');
      process.stdout.write(
        `\n${await failuresText(store, run.id, { color: Boolean(process.stdout.isTTY) })}\n`,
      );
    }
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
