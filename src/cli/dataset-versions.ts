import { stat } from 'node:fs/promises';
import type { Case } from '../core/case.js';
import { AssayError } from '../core/errors.js';
import type { Store } from '../core/store.js';
import { diffDatasets } from '../datasets/hygiene/diff.js';
import { datasetVersions, storedVersionCases } from '../datasets/hygiene/versions.js';
import { loadDataset } from '../datasets/load.js';
import { table } from '../report/table.js';
import { openStore } from '../store/open.js';
import { printable } from '../util/text-file.js';
import { EXIT } from './exit-codes.js';

const short = (v: string) => v.slice(0, 12);
const strataText = (s: Record<string, Record<string, number>>) =>
  Object.entries(s)
    .map(
      ([t, vs]) =>
        `${t}: ${Object.entries(vs)
          .map(([v, n]) => `${v} ${n}`)
          .join(', ')}`,
    )
    .join('; ');

/** `assay dataset versions [NAME]`: stored versions with date, case count, strata and the runs that used each. */
export async function datasetVersionsCommand(
  name: string | undefined,
  flags: { db?: string; json?: boolean },
): Promise<number> {
  const store = await openStore(flags.db);
  try {
    const versions = await datasetVersions(store, name);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(versions, null, 2)}\n`);
      return EXIT.ok;
    }
    if (versions.length === 0) {
      process.stdout.write(name ? `No stored versions of "${printable(name)}".\n` : 'No stored datasets.\n');
      return EXIT.ok;
    }
    const rows = versions.map((v) => [
      printable(v.name),
      short(v.version),
      v.createdAt.slice(0, 19).replace('T', ' '),
      String(v.caseCount),
      printable(strataText(v.strata)),
      v.runs.length ? v.runs.map(short).join(', ') : '–',
    ]);
    process.stdout.write(
      `${table([['name', 'version', 'stored (UTC)', 'cases', 'strata', 'runs'], ...rows], ['l', 'l', 'l', 'r', 'l', 'l'])}\n`,
    );
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

async function casesOf(ref: string, store: () => Promise<Store>): Promise<{ label: string; cases: Case[] }> {
  if ((await stat(ref).catch(() => undefined))?.isFile()) {
    const d = await loadDataset(ref);
    return { label: `${ref} (${short(d.version)})`, cases: d.cases };
  }
  const stored = await storedVersionCases(await store(), ref);
  if (!stored)
    throw new AssayError(
      'usage',
      `"${ref}" is neither a dataset file nor one stored dataset version (or a unique prefix)`,
    );
  return { label: short(stored.version), cases: stored.cases };
}

/** `assay dataset diff A B`: cases added, removed and changed field by field, strata before and after. */
export async function datasetDiffCommand(
  a: string,
  b: string,
  flags: { db?: string; json?: boolean },
): Promise<number> {
  let opened: Store | undefined;
  const store = async () => {
    opened ??= await openStore(flags.db);
    return opened;
  };
  try {
    const before = await casesOf(a, store);
    const after = await casesOf(b, store);
    const diff = diffDatasets(before.cases, after.cases);
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(diff, null, 2)}\n`);
      return EXIT.ok;
    }
    const lines = [`${before.label} → ${after.label}`];
    lines.push(`added (${diff.added.length}): ${diff.added.join(', ') || '–'}`);
    lines.push(`removed (${diff.removed.length}): ${diff.removed.join(', ') || '–'}`);
    lines.push(`changed (${diff.changed.length}), unchanged ${diff.unchanged}:`);
    for (const c of diff.changed)
      for (const f of c.fields)
        lines.push(
          `  ${c.caseId} ${f.field}: ${JSON.stringify(f.before) ?? '–'} → ${JSON.stringify(f.after) ?? '–'}`,
        );
    if (diff.strata.length) lines.push('strata (before → after):');
    for (const s of diff.strata) lines.push(`  ${s.tag}=${s.value}: ${s.before} → ${s.after}`);
    process.stdout.write(`${printable(lines.join('\n'))}\n`);
    return EXIT.ok;
  } finally {
    await opened?.close();
  }
}
