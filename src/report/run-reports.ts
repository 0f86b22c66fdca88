import type { RunSummary } from '../core/summary.js';
import { SummaryBuilder } from '../runner/summary.js';
import type { EmbedderLike } from './failures/clusters.js';
import { type FailureAnalysis, FailureCollector } from './failures/collect.js';
import { HtmlDataBuilder } from './html/report-data.js';
import { writeHtmlReport } from './html/write-html.js';
import { writeResultsJson } from './json.js';
import { writeJunitFile } from './junit.js';
import { renderMarkdown } from './markdown.js';
import type { ReportSource } from './source.js';
import { writeFileStreaming } from './write-file.js';

export interface ReportRequest {
  html?: string;
  junit?: string;
  markdown?: string;
  json?: string;
  /** Also return the Markdown text when no file is asked for (for `$GITHUB_STEP_SUMMARY`, stdout). */
  wantMarkdown?: boolean;
  /** Compare with this run in the Markdown. */
  baseline?: ReportSource;
  /** Where the HTML report will be published, for links in the Markdown. */
  reportUrl?: string;
  /** Cluster failures on embeddings rather than TF-IDF. */
  embedder?: EmbedderLike;
  /** Seed of the clustering (default 1). */
  seed?: number;
  /** Fixes the HTML's "generated at" (tests). */
  generatedAt?: string;
}

export interface ReportOutcome {
  markdown?: string;
  analysis?: FailureAnalysis;
  summary?: RunSummary;
}

/**
 * One pass over the results feeds the failure analysis, the HTML rows and, when the run was never
 * closed with one, the summary.
 */
export async function analyzeRun(
  source: ReportSource,
  options: { html?: HtmlDataBuilder; embedder?: EmbedderLike; seed?: number } = {},
): Promise<{ analysis: FailureAnalysis; summary: RunSummary }> {
  const collector = new FailureCollector();
  const rebuild = source.run.summary ? undefined : new SummaryBuilder(source.run.provenance.repeat ?? 1);
  for await (const r of source.results()) {
    const c = source.cases.get(r.caseId);
    const failure = collector.add(r, c);
    options.html?.add(r, c, failure);
    rebuild?.add(r);
  }
  const analysis = await collector.analyze({
    ...(options.embedder ? { embedder: options.embedder } : {}),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  return { analysis, summary: source.run.summary ?? rebuild!.build(0) };
}

async function summaryOf(source: ReportSource): Promise<RunSummary> {
  if (source.run.summary) return source.run.summary;
  const builder = new SummaryBuilder(source.run.provenance.repeat ?? 1);
  for await (const r of source.results()) builder.add(r);
  return builder.build(0);
}

/**
 * Writes the reports asked for, all from the store: HTML, JUnit, Markdown and JSON. Results are
 * streamed; only the HTML keeps one compact row per result, since the page embeds them all.
 */
export async function writeReports(source: ReportSource, request: ReportRequest): Promise<ReportOutcome> {
  const outcome: ReportOutcome = {};
  const needMarkdown = Boolean(request.markdown || request.wantMarkdown);
  if (request.html || needMarkdown) {
    const html = request.html ? new HtmlDataBuilder() : undefined;
    const { analysis, summary } = await analyzeRun(source, {
      ...(html ? { html } : {}),
      ...(request.embedder ? { embedder: request.embedder } : {}),
      ...(request.seed === undefined ? {} : { seed: request.seed }),
    });
    outcome.analysis = analysis;
    outcome.summary = summary;
    if (request.html && html) {
      await writeHtmlReport(request.html, {
        run: source.run,
        summary,
        analysis,
        data: html,
        ...(request.generatedAt ? { generatedAt: request.generatedAt } : {}),
      });
    }
    if (needMarkdown) {
      const baseline = request.baseline
        ? { run: request.baseline.run, summary: await summaryOf(request.baseline) }
        : undefined;
      outcome.markdown = renderMarkdown({
        run: source.run,
        summary,
        analysis,
        ...(baseline ? { baseline } : {}),
        ...(request.reportUrl ? { reportUrl: request.reportUrl } : {}),
      });
      const text = outcome.markdown;
      if (request.markdown) await writeFileStreaming(request.markdown, (write) => write(text));
    }
  }
  if (request.junit) await writeJunitFile(request.junit, source.run, source.results);
  if (request.json) await writeResultsJson(request.json, source.run, source.results());
  return outcome;
}
