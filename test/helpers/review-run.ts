import type { ResultRecord, RunRecord } from '../../src/core/run.js';
import type { Store } from '../../src/core/store.js';

export interface SeededCase {
  id: string;
  question: string;
  expected: string;
  tags: Record<string, string>;
  /** What the target answered. */
  answer: string;
  pass: boolean;
  /** A rubric judge's raw 1–5 score of the answer, when the run has one. */
  judge?: number;
}

/**
 * Stores a completed run on a dataset of `cases` (the dataset's cases too, as `assay eval` does), one
 * result per case on target `bot`, with a `mentions` score and, where given, a `rubric.accuracy` judge.
 */
export async function seedRun(store: Store, runId: string, cases: SeededCase[]): Promise<RunRecord> {
  const version = `v-${runId}`;
  await store.saveDataset(
    { name: 'golden', version, caseCount: cases.length, createdAt: new Date().toISOString() },
    cases.map((c) => ({ id: c.id, vars: { question: c.question }, expected: c.expected, tags: c.tags })),
  );
  const run: RunRecord = {
    id: runId,
    createdAt: new Date().toISOString(),
    status: 'completed',
    configHash: 'seeded',
    provenance: {
      assayVersion: 't',
      nodeVersion: 't',
      dataset: { name: 'golden', version, cases: cases.length },
      targets: [{ id: 'bot' }],
      evaluators: [],
      configHash: 'seeded',
    },
  };
  await store.createRun(run);
  const results: ResultRecord[] = cases.map((c) => ({
    runId,
    caseId: c.id,
    target: 'bot',
    repeat: 0,
    tags: c.tags,
    output: { text: c.answer, latencyMs: 1, contexts: [{ text: `doc for ${c.id}` }] },
    pass: c.pass,
    scores: [
      { evaluator: 'mentions', value: c.pass ? 1 : 0, pass: c.pass },
      ...(c.judge === undefined
        ? []
        : [
            {
              evaluator: 'rubric.accuracy',
              value: (c.judge - 1) / 4,
              pass: c.judge >= 4,
              details: {
                kind: 'rubric',
                raw: c.judge,
                scale: [1, 5],
                threshold: 4,
                reasoning: `judged ${c.id}`,
              },
            },
          ]),
    ],
    latencyMs: 1,
  }));
  await store.saveResults(results);
  return run;
}
