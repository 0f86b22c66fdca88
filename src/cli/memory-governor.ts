import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { RunObserver } from '../runner/run-eval.js';

/**
 * Keeps a long run's memory near its live set. V8 lets the old generation grow far past what is
 * alive while results stream through (550 MB peak for 100,000 cases, of which < 160 MB live), and
 * its limit can only be set at start-up. Every few thousand results, when the heap has grown past
 * `thresholdMb`, this asks for a full collection (~tens of ms), so peak memory stays flat.
 */
export function memoryGovernor(thresholdMb = 256, everyResults = 5000): RunObserver {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  let seen = 0;
  return {
    onResult() {
      if (!gc || ++seen % everyResults !== 0) return;
      if (getHeapStatistics().total_heap_size > thresholdMb * 1024 * 1024) gc();
    },
  };
}

/**
 * Keeps a long-running server's heap near its live set: V8 lets the old generation grow up to four
 * times what survived the last full collection, and under load what it collects is mostly requests
 * that waited for their commit. At 50% growth `assay serve` peaked at ~300 MB instead of ~410 at
 * 20,000 spans/s, for ~10% more CPU a span in full collections (docs/benchmarks.md). Unlike the
 * old generation's limit this flag is read at every collection, so it can be set once started; a
 * value given on the command line (`node --heap-growing-percent=N`) is left alone.
 */
export function boundHeapGrowth(percent = 50): void {
  if (
    process.execArgv.some(
      (a) => a.startsWith('--heap-growing-percent') || a.startsWith('--heap_growing_percent'),
    )
  )
    return;
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
