import { resolve } from 'node:path';
import { AssayError } from '../core/errors.js';
import { checkContamination } from '../datasets/hygiene/contamination.js';
import { readSources } from '../datasets/hygiene/sources.js';
import { loadDataset } from '../datasets/load.js';
import { createLocalEmbedder } from '../embeddings/local.js';
import { table } from '../report/table.js';
import { writeTextFile } from '../report/write-file.js';
import { printable } from '../util/text-file.js';
import { EXIT } from './exit-codes.js';

/**
 * `assay dataset contamination --golden FILE --against PATH…`: the golden cases found verbatim or
 * lightly edited in prompts, few-shot files, fine-tuning data or docs. Exit 1 when any is found.
 */
export async function datasetContaminationCommand(flags: {
  golden?: string;
  against?: string[];
  json?: string;
  embeddings?: boolean;
}): Promise<number> {
  if (!flags.golden)
    throw new AssayError('usage', 'name the golden dataset with --golden FILE', { field: '--golden' });
  if (!flags.against?.length)
    throw new AssayError('usage', 'name what to check against with --against PATH', { field: '--against' });
  const dataset = await loadDataset(flags.golden);
  const sources = await readSources(flags.against, [resolve(flags.golden)]);
  const report = await checkContamination(dataset.cases, sources, {
    ...(flags.embeddings === false ? {} : { embedder: createLocalEmbedder() }),
  });
  if (flags.json) await writeTextFile(flags.json, `${JSON.stringify(report, null, 2)}\n`);
  const n = report.contaminated.length;
  if (n === 0) {
    process.stdout.write(
      `No contamination: ${report.checked} case(s) checked against ${flags.against.join(', ')}.\n`,
    );
    return EXIT.ok;
  }
  const rows = report.contaminated.flatMap((c) =>
    c.sources.map((s) => [
      printable(c.caseId),
      printable(s.line === undefined ? s.path : `${s.path}:${s.line}`),
      s.kind,
      s.score.toFixed(2),
    ]),
  );
  process.stdout.write(`${table([['case', 'found in', 'kind', 'score'], ...rows], ['l', 'l', 'l', 'r'])}\n`);
  process.stdout.write(`${n} of ${report.checked} case(s) contaminated.\n`);
  return EXIT.gatesFailed;
}
