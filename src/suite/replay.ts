import { AssayError } from '../core/errors.js';
import type { Store } from '../core/store.js';
import type { Suite } from './build-suite.js';

/**
 * Replays run `runId`'s conversations: the user turns it had (simulated ones included) become the
 * scripted turns of this run, so a simulated conversation plays again deterministically.
 */
export async function replayTranscripts(store: Store, runId: string, suite: Suite): Promise<void> {
  const run = await store.getRun(runId);
  if (!run) throw new AssayError('run.not-found', `no run "${runId}" to replay`);
  const turns = new Map<string, string[]>();
  for await (const r of store.results(runId)) {
    if (r.output?.turns?.length && !turns.has(r.caseId))
      turns.set(
        r.caseId,
        r.output.turns.map((t) => t.user),
      );
  }
  if (turns.size === 0) throw new AssayError('run.conflict', `run ${run.id} has no conversations to replay`);
  for (const c of suite.dataset.cases) {
    const users = turns.get(c.id);
    if (!users) continue;
    const scripted = c.turns ?? [];
    c.turns = users.map((user, i) => (scripted[i]?.user === user ? scripted[i]! : { user }));
  }
  delete suite.simulator;
  suite.provenance.filters = { ...suite.provenance.filters, replayOf: run.id };
}
