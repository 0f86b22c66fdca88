import type { LoadedConfig } from '../config/load.js';
import type { Provenance } from '../core/run.js';
import { DEFAULT_SEED } from '../stats/random.js';
import { describeFaultCounts } from './fault-proxy.js';
import { formatFaults, parseFaultSpec } from './fault-spec.js';
import { routeThroughFaults } from './route-targets.js';

export interface EvalFaults {
  /** The config to build the suite from: HTTP-based targets go through the fault proxies. */
  loaded: LoadedConfig;
  /** Records the faults in the run's provenance and puts the real URLs back in its targets. */
  apply(provenance: Provenance): void;
  /** One line for the terminal: what the proxies did. */
  summary(): string;
  close(): Promise<void>;
}

/**
 * `assay eval --fault …`: the suite runs with faults injected in front of its HTTP-based targets,
 * so the runner's retries (and the app's own fallbacks) are exercised and quality under faults is
 * measured. The response cache must be off meanwhile: a cached answer would bypass the faults.
 */
export async function faultsForEval(
  loaded: LoadedConfig,
  spec: string,
  seed: number = DEFAULT_SEED,
  warn: (line: string) => void = () => {},
): Promise<EvalFaults> {
  const faults = parseFaultSpec(spec);
  const routing = await routeThroughFaults(loaded, faults, seed);
  for (const why of routing.skipped) warn(`assay: no faults for ${why}\n`);
  return {
    loaded: routing.loaded,
    apply(provenance) {
      provenance.targets = routing.unproxy(provenance.targets);
      provenance.faults = { spec: formatFaults(faults), seed };
    },
    summary: () => `Faults: ${formatFaults(faults)} — ${describeFaultCounts(routing.counts())}`,
    close: () => routing.close(),
  };
}
