import type { SampleDraw } from '../datasets/sample.js';

/**
 * What a sample drew, one line per stratum, and a warning for each stratum it left out entirely:
 * `assay: sample 20 of 200 cases` / `  type=factual, difficulty=easy  6 of 60` / `assay: warning: …`.
 */
export function formatSampleDraw(draw: SampleDraw): string {
  const width = Math.max(...draw.strata.map((s) => s.stratum.length));
  const lines = [`assay: sample ${draw.selected} of ${draw.of} cases`];
  if (draw.strata.length > 1 || draw.strata[0]?.stratum !== 'all')
    for (const s of draw.strata) lines.push(`  ${s.stratum.padEnd(width)}  ${s.selected} of ${s.of}`);
  for (const stratum of draw.leftOut)
    lines.push(
      `assay: warning: the sample has no case of ${stratum} (${draw.strata.find((s) => s.stratum === stratum)!.of} in the dataset); take a larger sample to cover it`,
    );
  return `${lines.join('\n')}\n`;
}
