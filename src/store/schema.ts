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
}
