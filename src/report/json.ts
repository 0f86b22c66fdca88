import type { ResultRecord, RunRecord } from '../core/run.js';
import { writeFileStreaming } from './write-file.js';

/** One result as the results JSON shows it (field names are a promise to users' scripts). */
export function resultJson(r: ResultRecord) {
  return {
    caseId: r.caseId,
    target: r.target,
    repeat: r.repeat,
    tags: r.tags,
    output: r.output?.text ?? null,
    pass: r.pass,
    latencyMs: r.latencyMs,
    error: r.error ?? null,
    costUsd: r.costUsd ?? null,
    tokens: r.tokens ?? null,
    cached: r.output?.cached ?? false,
    ...(r.output?.contexts ? { contexts: r.output.contexts } : {}),
    ...(r.output?.toolCalls ? { toolCalls: r.output.toolCalls } : {}),
    scores: r.scores.map((s) => ({
      evaluator: s.evaluator,
      value: s.value,
      pass: s.pass,
      reason: s.reason ?? null,
      ...(s.error ? { error: s.error } : {}),
      ...(s.details ? { details: s.details } : {}),
    })),
  };
}

/**
 * Writes `{ run, summary, results }`, streaming the results so a 100,000-case run needs no memory
 * for them. Written to a temporary file and renamed: a reader never sees half a document.
 */
export async function writeResultsJson(
  file: string,
  run: RunRecord,
  results: AsyncIterable<ResultRecord>,
  /** With repeats: per case, its pass count and the mean and spread of each score. */
  caseStats?: unknown[],
): Promise<void> {
  await writeFileStreaming(file, async (write) => {
    const { summary, ...rest } = run;
    await write(`{"run":${JSON.stringify(rest)},"summary":${JSON.stringify(summary ?? null)},"results":[`);
    let first = true;
    for await (const r of results) {
      await write((first ? '\n' : ',\n') + JSON.stringify(resultJson(r)));
      first = false;
    }
    await write(caseStats ? `\n],"caseStats":${JSON.stringify(caseStats)}}\n` : '\n]}\n');
  });
}
