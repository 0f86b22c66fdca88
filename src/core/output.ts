import type { Score } from './score.js';

/** What a target returns for one case. */
export interface Context {
  id?: string;
  text: string;
  score?: number;
}

/** A tool call, normalised from the OpenAI (`function.arguments` as JSON text) or Anthropic (`input`) shape. */
export interface ToolCall {
  id?: string;
  name: string;
  arguments: unknown;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

export interface Output {
  /** The answer as text; '' when the target produced none. */
  text: string;
  contexts?: Context[];
  toolCalls?: ToolCall[];
  usage?: Usage;
  costUsd?: number;
  latencyMs: number;
  /** The answer came from the response cache: no API was called. */
  cached?: boolean;
  /** Prompt messages as sent, for the report and for provenance. */
  prompt?: unknown;
  /** Anything else the target returned, kept for reports. */
  metadata?: Record<string, unknown>;
  /** For multi-turn scenarios: every turn of the conversation, with the scores of that turn. */
  turns?: TurnRecord[];
}

export interface TurnRecord {
  user: string;
  assistant: string;
  latencyMs: number;
  /** Who wrote the user message: the dataset, or the simulated user. */
  by?: 'dataset' | 'simulator';
  scores?: Score[];
  error?: string;
}
