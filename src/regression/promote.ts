import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { PromotedFrom } from '../core/case.js';
import { AssayError } from '../core/errors.js';
import type { ResultRecord, RunRecord } from '../core/run.js';
import type { Store } from '../core/store.js';
import { parseJsonl } from '../datasets/jsonl.js';
import { parseDataset } from '../datasets/load.js';
import { writeTextFile } from '../report/write-file.js';
import { regressionKey, toRegressionRow } from './regression-row.js';
import { casesOfRun, type DatasetCaseSource } from './run-cases.js';

export type PromoteStore = Pick<Store, 'getRun' | 'results'> & DatasetCaseSource;

export interface PromoteOptions {
  runId: string;
  /** Cases with a judged failure on any target. */
  failed?: boolean;
  /** Cases whose target call failed (no answer to judge) on any target. */
  errors?: boolean;
  /** These cases, whatever their outcome. */
  caseIds?: string[];
  /** The regression dataset, JSONL; created when missing, appended to otherwise. */
  to: string;
  now?: Date;
}

export interface PromoteReport {
  run: RunRecord;
  file: string;
  added: { id: string; caseId: string; target: string; failed: boolean }[];
  /** Cases already in the file under the same content hash: not added twice. */
  duplicates: { caseId: string; existingId: string }[];
  /** Selected cases whose content is neither in the store nor in the run's unchanged dataset file. */
  missing: string[];
}

interface CaseOutcome {
  first: ResultRecord;
  failed?: ResultRecord;
  error?: ResultRecord;
}

async function existingCases(
  file: string,
): Promise<{ text: string; keys: Map<string, string>; ids: Set<string> }> {
  const keys = new Map<string, string>();
  const ids = new Set<string>();
  if (!existsSync(file)) return { text: '', keys, ids };
  const text = await readFile(file, 'utf8');
  if (parseJsonl(text, file).length === 0) return { text, keys, ids };
  for (const c of parseDataset(text, file).cases) {
    keys.set(regressionKey(c), c.id);
    ids.add(c.id);
  }
  return { text, keys, ids };
}

/**
 * Copies cases of a stored run into a regression dataset: `--failed` (judged failures), `--errors`
 * (target failures), `--case ID` (any). Each keeps its variables, `expected` and tags, gets
 * `origin: regression` and `promotedFrom: {runId, caseId, target, dataset, promotedAt}`, and, when
 * it failed, `observed` (the answer and the failing scores). A case already in the file (same
 * content hash, whatever its id) is not added again; an id already taken gets a hash suffix.
 */
export async function promote(store: PromoteStore, options: PromoteOptions): Promise<PromoteReport> {
  if (!options.failed && !options.errors && !options.caseIds?.length) {
    throw new AssayError('input.invalid', 'say which cases to promote: --failed, --errors or --case ID');
  }
  const ext = extname(options.to).toLowerCase();
  if (ext !== '.jsonl' && ext !== '.ndjson') {
    throw new AssayError('input.invalid', 'the regression dataset must be a .jsonl file', {
      file: options.to,
    });
  }
  const run = await store.getRun(options.runId);
  if (!run) throw new AssayError('run.not-found', `no run "${options.runId}" in the store`);

  const outcomes = new Map<string, CaseOutcome>();
  for await (const r of store.results(run.id)) {
    let o = outcomes.get(r.caseId);
    if (!o) {
      o = { first: r };
      outcomes.set(r.caseId, o);
    }
    if (r.error) o.error ??= r;
    else if (!r.pass) o.failed ??= r;
  }
  const asked = new Set(options.caseIds ?? []);
  const unknown = [...asked].filter((id) => !outcomes.has(id));
  if (unknown.length > 0) {
    throw new AssayError(
      'input.invalid',
      `run ${run.id} has no result for case ${unknown.map((id) => `"${id}"`).join(', ')}`,
    );
  }
  const missing: string[] = [];
  const selected = [...outcomes].filter(
    ([id, o]) => (options.failed && o.failed) || (options.errors && o.error) || asked.has(id),
  );
  const cases = await casesOfRun(
    store,
    run,
    selected.map(([id]) => id),
  );

  const { text, keys, ids } = await existingCases(options.to);
  const promotedAt = (options.now ?? new Date()).toISOString();
  const dataset = `${run.provenance.dataset.name}@${run.provenance.dataset.version}`;
  const report: PromoteReport = { run, file: options.to, added: [], duplicates: [], missing };
  const lines: string[] = [];
  for (const [caseId, o] of selected) {
    const c = cases.get(caseId);
    if (!c) {
      missing.push(caseId);
      continue;
    }
    const key = regressionKey(c);
    const existing = keys.get(key);
    if (existing !== undefined) {
      report.duplicates.push({ caseId, existingId: existing });
      continue;
    }
    // The bad outcome is what the case guards against: a judged failure first, else a target error.
    const bad = o.failed ?? o.error;
    let id = ids.has(c.id) ? `${c.id}~${key.slice(0, 8)}` : c.id;
    for (let n = 2; ids.has(id); n++) id = `${c.id}~${key.slice(0, 8)}-${n}`;
    const from: PromotedFrom = {
      runId: run.id,
      caseId,
      target: (bad ?? o.first).target,
      dataset,
      promotedAt,
    };
    lines.push(JSON.stringify(toRegressionRow(c, id, from, bad)));
    keys.set(key, id);
    ids.add(id);
    report.added.push({ id, caseId, target: from.target, failed: bad !== undefined });
  }
  if (lines.length > 0) {
    // The whole file again, renamed into place: a reader never sees a half-written line.
    const sep = text === '' || text.endsWith('\n') ? '' : '\n';
    await writeTextFile(options.to, `${text}${sep}${lines.join('\n')}\n`);
  }
  return report;
}
