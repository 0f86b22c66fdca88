import { parseDuration } from '../core/duration.js';
import { openTraceStore } from '../store/open.js';
import { EXIT } from './exit-codes.js';

/**
 * `assay prune --older-than 30d`: deletes production traces that started before now minus the
 * duration, with their spans, scores, feedback and events, every project, and says how many.
 */
export async function pruneCommand(
  flags: { olderThan: string; db?: string },
  now: number = Date.now(),
  print: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<number> {
  const beforeMs = now - parseDuration(flags.olderThan, { field: '--older-than' });
  const store = await openTraceStore(flags.db);
  try {
    const r = await store.prune(beforeMs);
    print(
      `assay: pruned data from before ${new Date(beforeMs).toISOString()}: ${r.traces} traces, ${r.spans} spans, ` +
        `${r.scores} scores, ${r.feedback} feedback, ${r.events} events`,
    );
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
