/** What `runOnce` did: ran the pass, found the window done, or found another instance busy with the job. */
export type ClaimOutcome = 'ran' | 'done' | 'busy';

/**
 * Runs a background job once per window across every `assay serve` instance on one store.
 * `runOnce` calls `fn` unless the window is done (`done`) or another instance is running this job
 * right now (`busy`: try the window again later), and marks the window done when `fn` succeeds (a
 * failed pass leaves it open for the next try).
 */
export interface WindowClaims {
  runOnce(
    projectId: string,
    job: string,
    windowStart: number,
    fn: () => Promise<void>,
  ): Promise<ClaimOutcome>;
  /**
   * Runs `fn` holding the job's claim, waiting while another instance holds it (`onWait` is called
   * once when it has to): a pass outside `assay serve` (`assay monitor run --once` from cron) never
   * runs beside a server's pass over the same traffic, so no trace is scored by both. It records
   * no window: its windows need not be the server's.
   */
  exclusive<T>(projectId: string, job: string, fn: () => Promise<T>, onWait?: () => void): Promise<T>;
}

/** One process and nothing else to agree with: every window runs. */
export const localClaims: WindowClaims = {
  async runOnce(_projectId, _job, _windowStart, fn) {
    await fn();
    return 'ran';
  },
  exclusive: (_projectId, _job, fn) => fn(),
};
