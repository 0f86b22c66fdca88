import type { Output } from './output.js';
import type { Score } from './score.js';
import type { RunSummary } from './summary.js';

/** Everything needed to reproduce a run. No secret is ever part of it. */
export interface Provenance {
  assayVersion: string;
  nodeVersion: string;
  dataset: { name: string; version: string; path?: string; cases: number };
  promptHash?: string;
  targets: Record<string, unknown>[];
  evaluators: unknown[];
  /** The judge prompt templates used (name, version, hash and text), so every verdict can be traced. */
  judgePrompts?: unknown[];
  configHash: string;
  configPath?: string;
  gitCommit?: string;
  gitDirty?: boolean;
  filters?: Record<string, unknown>;
  repeat?: number;
  sample?: Record<string, unknown>;
  /** Faults injected between Assay and the targets (`--fault`), and the seed of their draws. */
  faults?: { spec: string; seed: number };
}

/** The project of a run recorded without one (and of every run stored before runs had projects). */
export const DEFAULT_PROJECT = 'default';

/** What a project name may be (the same rule as `assay keys create --project`). */
export const PROJECT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export type RunStatus = 'running' | 'completed' | 'aborted' | 'interrupted';

export interface RunRecord {
  id: string;
  createdAt: string;
  finishedAt?: string;
  status: RunStatus;
  description?: string;
  /** The project the run belongs to (a name, as `assay keys create --project`); `default` when not set. */
  project?: string;
  configHash: string;
  provenance: Provenance;
  summary?: RunSummary;
  error?: string;
}

/** One case × target (× repeat) of a run. */
export interface ResultRecord {
  runId: string;
  caseId: string;
  target: string;
  repeat: number;
  tags: Record<string, string>;
  output: Output | null;
  /** All scores passed; `false` if one failed; errors are counted apart. */
  pass: boolean;
  /** The target failed after retries: no output was judged. */
  error?: string;
  scores: Score[];
  latencyMs: number;
  costUsd?: number;
  tokens?: { input: number; output: number };
}

/** The key of a result inside its run. */
export function resultKey(caseId: string, target: string, repeat = 0): string {
  return `${target}\u0000${caseId}\u0000${repeat}`;
}
