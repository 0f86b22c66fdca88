import type { Generated } from 'kysely';

/** The tables, as Kysely sees them. JSON is stored as text and booleans as 0/1 in every dialect. */
export interface Database {
  assay_migrations: { name: string; applied_at: string };
  datasets: { name: string; version: string; path: string | null; case_count: number; created_at: string };
  dataset_cases: { dataset_version: string; position: number; case_id: string; data: string };
  runs: {
    id: string;
    created_at: string;
    finished_at: string | null;
    status: string;
    description: string | null;
    /** The project's name (migration 009_run_projects; earlier runs are `default`). */
    project: string;
    config_hash: string;
    provenance: string;
    summary: string | null;
    error: string | null;
  };
  results: {
    id: Generated<number>;
    run_id: string;
    case_id: string;
    target: string;
    repeat: number;
    pass: number;
    error: string | null;
    latency_ms: number;
    cost_usd: number | null;
    tokens_in: number | null;
    tokens_out: number | null;
    tags: string;
    output: string | null;
  };
  scores: {
    result_id: number;
    run_id: string;
    evaluator: string;
    value: number | null;
    pass: number | null;
    reason: string | null;
    error: string | null;
    details: string | null;
  };
  cache: { key: string; value: string; created_at: string };
  artifacts: { id: Generated<number>; run_id: string; kind: string; value: string; created_at: string };
  projects: { id: string; name: string; created_at: string };
  api_keys: {
    id: string;
    project_id: string;
    hash: string;
    prefix: string;
    created_at: string;
    revoked_at: string | null;
  };
  traces: {
    project_id: string;
    trace_id: string;
    name: string;
    has_root: number;
    start_ms: number;
    end_ms: number | null;
    span_count: number;
    input_tokens: number;
    output_tokens: number;
    cost_usd: number | null;
    error_count: number;
    session_id: string | null;
    user_id: string | null;
    segment: string | null;
    prompt_version: string | null;
    /** The trace's number, given in the order traces arrive: its spans' key (`trace_seq`). */
    seq: number;
  };
  spans: SpanRow & { trace_seq: number };
  trace_rollup: RollupRow & { input_tokens: number; output_tokens: number; latency_ms: number };
  call_rollup: RollupRow & {
    ok_output_tokens: number;
    ok_counted: number;
    tokens: number;
    latency_ms: number;
  };
  span_scores: {
    id: Generated<number>;
    project_id: string;
    trace_id: string;
    span_id: string;
    name: string;
    value: number | null;
    label: string | null;
    explanation: string | null;
    source: string;
    created_ms: number;
  };
  feedback: {
    project_id: string;
    id: string;
    trace_id: string;
    name: string;
    value: number | null;
    comment: string | null;
    correction: string | null;
    escalated: number;
    user_id: string | null;
    timestamp_ms: number;
  };
  events: {
    project_id: string;
    id: string;
    type: string;
    trace_id: string;
    timestamp_ms: number;
    data: string;
  };
  signals: {
    project_id: string;
    trace_id: string;
    session_id: string;
    kind: string;
    value: number;
    computed_ms: number;
  };
  monitor_alerts: {
    id: string;
    project_id: string;
    kind: string;
    segment: string | null;
    window_from: string;
    window_to: string;
    statistic: number;
    p: number | null;
    effect: number | null;
    message: string;
    created_ms: number;
    notified: number;
    notify_error: string | null;
  };
  web_sessions: {
    token_hash: string;
    principal_kind: string;
    principal_id: string;
    project_id: string;
    role: string;
    created_ms: number;
    expires_ms: number;
  };
  review_users: {
    id: string;
    project_id: string;
    name: string;
    role: string;
    token_hash: string;
    password_hash: string | null;
    created_at: string;
    removed_at: string | null;
  };
  review_queues: { id: string; project_id: string; name: string; spec: string; created_at: string };
  review_items: {
    id: string;
    queue_id: string;
    seq: number;
    data: string;
    gold: string | null;
    consensus: string | null;
    created_by: string | null;
    created_ms: number;
  };
  review_labels: {
    item_id: string;
    user_id: string;
    queue_id: string;
    state: string;
    lease_until_ms: number;
    scores: string | null;
    comment: string | null;
    reason: string | null;
    updated_ms: number;
  };
  /** Background windows done (migration 013): one row per project, job and window start. */
  monitor_passes: { project_id: string; job: string; window_start: number; done_ms: number };
  /** The drift of closed windows (migration 015): one row per project, settings, window length and start. */
  drift_windows: {
    project_id: string;
    settings_key: string;
    window_ms: number;
    window_start: number;
    settings: string;
    report: string;
    computed_ms: number;
  };
}

/** The key and common sums of an hourly rollup row (`rollup-cells.ts`); '' is "none" in key columns. */
export interface RollupRow {
  project_id: string;
  hour: number;
  model: string;
  segment: string;
  prompt_version: string;
  bin: number;
  n: number;
  errors: number;
  cost_usd: number;
  costed: number;
}

/** A span as stored: messages, contexts, attributes and tags are JSON text. */
export interface SpanRow {
  project_id: string;
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: string;
  start_ms: number;
  end_ms: number | null;
  model: string | null;
  provider: string | null;
  operation: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  total_tokens: number | null;
  cost_usd: number | null;
  input: string;
  output: string;
  contexts: string;
  attributes: string;
  status: string;
  error: string | null;
  session_id: string | null;
  user_id: string | null;
  tags: string;
  segment: string | null;
  prompt_version: string | null;
  source: string;
}
