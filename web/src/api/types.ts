// The API's own types, shared with the server: the pages cannot drift from what it sends.
export type {
  ChangedCase,
  CompareView,
  Comparison,
  ComparisonRow,
  GateOutcome,
  PassRate,
  Progress,
  RegressionFlag,
  ResultList,
  ResultRow,
  ResultSort,
  ResultStatus,
  ResultView,
  RunAnalysis,
  RunDetail,
  RunList,
  RunListItem,
  RunSummary,
} from '../../../src/server/runs/views.js';

import type { traceDetailJson, traceSummaryJson } from '../../../src/monitor/trace-json.js';

export type { TrafficBucket, TrafficSeries } from '../../../src/core/traffic-series.js';
export type TraceSummaryJson = ReturnType<typeof traceSummaryJson>;
export type TraceDetailJson = ReturnType<typeof traceDetailJson>;
export interface TraceListJson {
  traces: TraceSummaryJson[];
  nextCursor: string | null;
}
export type { StoredAlert } from '../../../src/monitor/alert-store.js';
export type {
  ClusterShift,
  CorrelationWindow,
  DriftExample,
  DriftReportJson,
  DriftSettings,
  DriftTest,
  MonitorWindow,
  PredictorRow,
} from '../../../src/monitor/drift-json.js';
