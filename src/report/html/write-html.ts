import type { RunRecord } from '../../core/run.js';
import type { RunSummary } from '../../core/summary.js';
import type { FailureAnalysis } from '../failures/collect.js';
import { writeFileStreaming } from '../write-file.js';
import { contentSecurityPolicy, loadAssets } from './assets.js';
import { escapeJsonForHtml } from './escape-json.js';
import type { HtmlDataBuilder } from './report-data.js';
import { DATA_OPEN, pageHead, pageTail } from './template.js';
import { passRateTone } from './tone.js';

export interface HtmlReportInput {
  run: RunRecord;
  summary: RunSummary;
  analysis?: FailureAnalysis;
  data: HtmlDataBuilder;
  /** When the report was made (default now); fixed in tests. */
  generatedAt?: string;
}

const BATCH = 500;

/**
 * Writes the HTML report: one self-contained file (styles, Chart.js, the client script and the data
 * inlined; it loads nothing and opens from disk). Rows are written in batches from their JSON text,
 * so no second copy of the whole data set is built.
 */
export async function writeHtmlReport(file: string, input: HtmlReportInput): Promise<void> {
  const assets = loadAssets();
  const { run, summary, analysis, data } = input;
  const csp = contentSecurityPolicy([assets.chartJs, assets.app], [assets.styles]);
  const { summary: _summary, ...runFields } = run;
  const meta = {
    format: 1,
    generatedAt: input.generatedAt ?? new Date().toISOString(),
    chartJs: assets.chartJsVersion,
    run: {
      id: runFields.id,
      createdAt: runFields.createdAt,
      status: runFields.status,
      description: runFields.description ?? null,
      dataset: runFields.provenance.dataset,
      gitCommit: runFields.provenance.gitCommit ?? null,
      gitDirty: runFields.provenance.gitDirty ?? false,
    },
    summary,
    tone: { passRate: passRateTone(summary) },
    targets: data.targets,
    evaluators: data.evaluators,
    tags: Object.fromEntries(
      [...data.tags].sort(([a], [b]) => a.localeCompare(b)).map(([k, vs]) => [k, [...vs].sort()]),
    ),
    analysis: analysis ? { ...analysis, failures: undefined } : null,
  };
  await writeFileStreaming(file, async (write) => {
    await write(pageHead({ csp, styles: assets.styles }));
    await write(DATA_OPEN);
    const head = JSON.stringify(meta);
    await write(escapeJsonForHtml(`${head.slice(0, -1)},"strings":[`));
    for (let i = 0; i < data.strings.length; i += BATCH) {
      const part = data.strings.slice(i, i + BATCH).map((s) => JSON.stringify(s));
      await write(escapeJsonForHtml((i ? ',' : '') + part.join(',')));
    }
    await write('],"rows":[');
    for (let i = 0; i < data.rows.length; i += BATCH) {
      await write(escapeJsonForHtml((i ? ',' : '') + data.rows.slice(i, i + BATCH).join(',')));
    }
    await write(']}</script>\n');
    await write(pageTail([assets.chartJs, assets.app]));
  });
}
