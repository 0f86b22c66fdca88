import type { Case } from '../core/case.js';
import type { SourcedItem } from './sourced.js';

/**
 * Review items from a dataset file's cases (`assay dataset refresh` proposals, a candidate golden
 * set): the case's variables (or turns) as the input, the answer it carries (`observed`: the
 * production answer of a proposal) as the output, `expected` as the reference; each case once per
 * queue, keyed by the file's dataset name and the case id.
 */
export function fileItems(
  datasetName: string,
  file: string,
  cases: readonly Case[],
  version?: string,
): SourcedItem[] {
  return cases.map((c) => {
    const traceId = typeof c.vars.traceId === 'string' ? c.vars.traceId : undefined;
    return {
      key: `file|${datasetName}|${c.id}`,
      content: {
        input: c.turns ? c.turns.map((t) => t.user) : c.vars,
        output: c.observed ?? '',
        ...(c.expected === undefined ? {} : { reference: c.expected }),
        source: {
          kind: 'file',
          file,
          ...(version ? { dataset: `${datasetName}@${version}` } : {}),
          caseId: c.id,
          ...(c.origin ? { origin: c.origin } : {}),
          ...(traceId ? { traceId } : {}),
        },
      },
    };
  });
}
