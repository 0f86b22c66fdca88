import { appendFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Store } from '../core/store.js';
import type { EmbedderSpec } from '../embeddings/spec.js';
import type { EmbedderLike } from '../report/failures/clusters.js';
import { formatFailures } from '../report/failures/terminal.js';
import { analyzeRun, writeReports } from '../report/run-reports.js';
import { openReportSource } from '../report/source.js';
import { openStore } from '../store/open.js';
import { EXIT } from './exit-codes.js';

/** The report files a command can write, as its flags give them. */
export interface ReportFileFlags {
  html?: string;
  junit?: string;
  markdown?: string;
  json?: string;
  baseline?: string;
  reportUrl?: string;
}

export interface ReportFlags extends ReportFileFlags {
  db?: string;
  embedder?: string;
}

export interface ReportContext {
  cwd: string;
  env: Record<string, string | undefined>;
  out: NodeJS.WritableStream;
  /** Append the Markdown to `$GITHUB_STEP_SUMMARY` when it is set (`assay eval` always does). */
  stepSummary: boolean;
  /** Cluster failures on this embedder (the `--embedder` flag, or the suite's `embedder:`). */
  embedder?: EmbedderSpec;
  /** Make the Markdown even when no file or step summary wants it. */
  wantMarkdown?: boolean;
}

async function embedderFor(
  spec: EmbedderSpec | undefined,
  env: ReportContext['env'],
): Promise<EmbedderLike | undefined> {
  if (spec === undefined) return undefined;
  const { createEmbedder } = await import('../embeddings/embedder.js');
  return createEmbedder(spec, env);
}

/**
 * Writes the reports a command's flags ask for, from the store, and appends the Markdown summary to
 * `$GITHUB_STEP_SUMMARY` in GitHub Actions. Returns the Markdown when one was made.
 */
export async function writeRunReports(
  store: Store,
  runId: string,
  flags: ReportFileFlags,
  ctx: ReportContext,
): Promise<string | undefined> {
  const source = await openReportSource(store, runId);
  const summaryFile = ctx.stepSummary ? ctx.env.GITHUB_STEP_SUMMARY : undefined;
  const path = (f: string | undefined) => (f ? resolve(ctx.cwd, f) : undefined);
  const files = {
    html: path(flags.html),
    junit: path(flags.junit),
    markdown: path(flags.markdown),
    json: path(flags.json),
  };
  const embedder = await embedderFor(ctx.embedder, ctx.env);
  const outcome = await writeReports(source, {
    ...Object.fromEntries(Object.entries(files).filter(([, v]) => v)),
    wantMarkdown: Boolean(summaryFile || ctx.wantMarkdown),
    ...(flags.baseline ? { baseline: await openReportSource(store, flags.baseline) } : {}),
    ...(flags.reportUrl ? { reportUrl: flags.reportUrl } : {}),
    ...(embedder ? { embedder } : {}),
  });
  for (const [kind, given] of Object.entries({
    HTML: flags.html,
    JUnit: flags.junit,
    Markdown: flags.markdown,
    JSON: flags.json,
  }))
    if (given) ctx.out.write(`assay: ${kind} report written to ${given}\n`);
  if (summaryFile && outcome.markdown) {
    await appendFile(summaryFile, `${outcome.markdown}\n`);
    ctx.out.write('assay: summary added to $GITHUB_STEP_SUMMARY\n');
  }
  return outcome.markdown;
}

/** `assay report <run-id>`: regenerates reports of a stored run; with no file flag, prints the Markdown. */
export async function reportCommand(id: string, flags: ReportFlags): Promise<number> {
  const store = await openStore(flags.db);
  try {
    const toStdout = !flags.html && !flags.junit && !flags.markdown && !flags.json;
    const markdown = await writeRunReports(store, id, flags, {
      cwd: process.cwd(),
      env: process.env,
      out: process.stdout,
      // Only a report asked for as Markdown goes to the step summary: `assay eval` already put one there.
      stepSummary: Boolean(flags.markdown),
      wantMarkdown: toStdout,
      ...(flags.embedder ? { embedder: flags.embedder } : {}),
    });
    if (toStdout) process.stdout.write(markdown ?? '');
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

/** The failure analysis of a stored run as terminal text (`assay show <run-id> --failures`). */
export async function failuresText(
  store: Store,
  runId: string,
  options: { color?: boolean } = {},
): Promise<string> {
  const { analysis } = await analyzeRun(await openReportSource(store, runId));
  return formatFailures(analysis, options);
}
