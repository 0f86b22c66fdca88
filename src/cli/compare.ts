import { compareRuns } from '../compare/analyze.js';
import { comparisonMarkdown, formatComparison } from '../compare/format.js';
import { overlapProblem } from '../compare/overlap.js';
import { loadSide } from '../compare/sides.js';
import { AssayError } from '../core/errors.js';
import { writeTextFile } from '../report/write-file.js';
import { openStore } from '../store/open.js';
import { EXIT } from './exit-codes.js';

export interface CompareFlags {
  db?: string;
  json?: string;
  markdown?: string;
  failOn?: string;
  alpha?: string;
  allowPartial?: boolean;
}

/**
 * `assay compare <baseline> <candidate>`: a decision from two runs (ids or results JSON files). Refuses
 * (exit 2) runs that share too few cases unless `--allow-partial`; exits 1 with `--fail-on regression`
 * when a row regressed or the candidate errored on every case.
 */
export async function compareCommand(
  baselineRef: string,
  candidateRef: string,
  flags: CompareFlags,
): Promise<number> {
  if (flags.failOn && flags.failOn !== 'regression')
    throw new AssayError('usage', `--fail-on takes "regression", got "${flags.failOn}"`);
  const alpha = flags.alpha === undefined ? 0.05 : Number(flags.alpha);
  if (!(alpha > 0 && alpha < 1))
    throw new AssayError('usage', `--alpha must be in (0, 1), got ${flags.alpha}`);
  const needsStore = ![baselineRef, candidateRef].every((r) => /\.json$/i.test(r));
  const store = needsStore ? await openStore(flags.db) : undefined;
  try {
    const baseline = await loadSide(baselineRef, store);
    const candidate = await loadSide(candidateRef, store);
    const comparison = compareRuns(baseline, candidate, { alpha });
    const partial = overlapProblem(comparison);
    if (partial && !flags.allowPartial) throw new AssayError('usage', partial);
    process.stdout.write(`${formatComparison(comparison, { color: Boolean(process.stdout.isTTY) })}\n`);
    if (flags.json) await writeTextFile(flags.json, `${JSON.stringify(comparison, null, 2)}\n`);
    if (flags.markdown) await writeTextFile(flags.markdown, comparisonMarkdown(comparison));
    if (store) await store.saveArtifact(candidate.id, 'comparison', comparison).catch(() => {});
    return flags.failOn === 'regression' && comparison.regressions.length > 0 ? EXIT.gatesFailed : EXIT.ok;
  } finally {
    await store?.close();
  }
}
