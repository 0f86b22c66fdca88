import type { WindowReport } from './detect.js';

/** What a stored window was computed with, and the key that names those settings. */
export interface DriftWindowSettings {
  key: string;
  value: Record<string, unknown>;
}

/**
 * Where the drift of closed windows is kept, so a window is computed once: the store's
 * `drift_windows` table (`src/store/drift-window-store.ts`). Windows are stored per project, per
 * settings (`driftWindowSettings`) and per window length.
 */
export interface DriftWindowStore {
  /** The stored windows of these settings starting in [fromMs, toMs), by start (epoch ms). */
  driftWindows(
    projectId: string,
    settingsKey: string,
    windowMs: number,
    fromMs: number,
    toMs: number,
  ): Promise<Map<number, WindowReport>>;
  /**
   * Stores windows. A window already stored is kept, unless `replace` (the monitor worker's pass,
   * which has scored the window's sample, replaces what a request computed before it).
   */
  saveDriftWindows(
    projectId: string,
    settings: DriftWindowSettings,
    windowMs: number,
    windows: readonly WindowReport[],
    options: { computedMs: number; replace?: boolean },
  ): Promise<void>;
}
