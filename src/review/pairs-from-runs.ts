import type { Store } from '../core/store.js';
import { type RunItemsOptions, runItems } from './from-run.js';
import type { ItemContent } from './model.js';
import type { SourcedItem } from './sourced.js';

/**
 * Pairwise review items from two stored runs on the same cases: for each case × target of run A
 * (after `--failed` / `--sample`, as `runItems` selects) that run B answered too, one item with
 * `outputs: [A's answer, B's answer]`. Raters see the two in an order of their own (pairwise.ts);
 * labels are stored in this order, so "A" is always run A. Keyed by both runs, target and case: the
 * same pair is one item per queue.
 */
export async function pairItems(
  store: Pick<Store, 'getRun' | 'results' | 'datasetCases'>,
  options: RunItemsOptions & { against: string },
): Promise<Awaited<ReturnType<typeof runItems>> & { unpaired: number }> {
  const a = await runItems(store, options);
  const b = await runItems(store, {
    runId: options.against,
    ...(options.project ? { project: options.project } : {}),
  });
  const bOf = new Map(
    b.items.map((it) => {
      const s = it.content.source as { target: string; caseId: string };
      return [`${s.target}\u0000${s.caseId}`, it.content] as const;
    }),
  );
  const items: SourcedItem[] = [];
  let unpaired = 0;
  for (const it of a.items) {
    const s = it.content.source as Record<string, unknown> & { target: string; caseId: string };
    const other = bOf.get(`${s.target}\u0000${s.caseId}`);
    if (!other) {
      unpaired++;
      continue;
    }
    // Each answer had its own retrieved contexts: neither run's is shown for the pair.
    const content: ItemContent = {
      input: it.content.input,
      output: undefined,
      ...(it.content.reference !== undefined ? { reference: it.content.reference } : {}),
      outputs: [it.content.output, other.output],
      source: { ...s, kind: 'pairwise', runs: [a.run.id, b.run.id] },
    };
    items.push({ key: `pair|${a.run.id}|${b.run.id}|${s.target}|${s.caseId}`, content });
  }
  return { ...a, items, unpaired };
}
