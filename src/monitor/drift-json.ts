/**
 * The JSON of `GET /api/v1/monitor/drift`, as the web app reads it. Type-only: the page imports
 * these, so server and page cannot drift apart. The `details` of a drift test carry, by kind:
 * inputs, `clusters: ClusterShift[]` (with example inputs and their trace ids); outputs and metrics,
 * `reference` and `current` summaries and `examples: DriftExample[]`.
 */
import type { MonitorConfig } from '../config/monitor.js';
import type { MonitorAlert } from './alert.js';
import type { CorrelationWindow, PredictorRow } from './correlation.js';
import type { MonitorWindow } from './run-monitor.js';

export type { DriftExample } from './drift-examples.js';
export type { ClusterShift } from './drift-inputs.js';
export type { DriftTest } from './drift-test.js';
export type { CorrelationWindow, MonitorAlert, MonitorWindow, PredictorRow };

/** What the figures were computed with. */
export interface DriftSettings {
  /** Window length, ms. */
  window: number;
  /** Family-wise error rate per window (Holm): a test alerts when its adjusted p is at or under it. */
  alpha: number;
  reference: MonitorConfig['drift']['reference'];
  inputs: MonitorConfig['drift']['inputs'];
  /** The correlation's settings (`alertBelow` is the threshold line), null when not configured. */
  correlation: MonitorConfig['correlation'] | null;
}

export interface DriftReportJson {
  windows: MonitorWindow[];
  correlation: CorrelationWindow[];
  predictors: PredictorRow[];
  alerts: MonitorAlert[];
  settings: DriftSettings;
}
