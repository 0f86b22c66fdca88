import { resolve } from 'node:path';
import { promote } from '../regression/promote.js';
import { openStore } from '../store/open.js';
import { EXIT } from './exit-codes.js';

export interface PromoteFlags {
  failed?: boolean;
  errors?: boolean;
  case?: string[];
  to: string;
  db?: string;
}

/** `assay promote <run-id>`: cases of a stored run become regression cases in a JSONL dataset. */
export async function promoteCommand(runId: string, flags: PromoteFlags): Promise<number> {
  const store = await openStore(flags.db);
  try {
    const report = await promote(store, {
      runId,
      ...(flags.failed ? { failed: true } : {}),
      ...(flags.errors ? { errors: true } : {}),
      ...(flags.case?.length ? { caseIds: flags.case } : {}),
      to: resolve(process.cwd(), flags.to),
    });
    const out = process.stdout;
    for (const a of report.added) {
      const rename = a.id === a.caseId ? '' : ` as ${a.id}`;
      out.write(`  + ${a.caseId}${rename} (${a.failed ? `failed on ${a.target}` : 'as it is'})\n`);
    }
    for (const d of report.duplicates) out.write(`  = ${d.caseId} already there as ${d.existingId}\n`);
    for (const id of report.missing) {
      process.stderr.write(`assay: case ${id}: its content is no longer in the store or the dataset file\n`);
    }
    const skipped = report.duplicates.length ? `; ${report.duplicates.length} already there` : '';
    out.write(
      report.added.length + report.duplicates.length + report.missing.length === 0
        ? `assay: nothing to promote in run ${report.run.id}\n`
        : `assay: promoted ${report.added.length} case${report.added.length === 1 ? '' : 's'} of run ${report.run.id} to ${flags.to}${skipped}\n`,
    );
    return report.missing.length > 0 ? EXIT.usage : EXIT.ok;
  } finally {
    await store.close();
  }
}
