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
