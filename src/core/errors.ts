import { redactCredentials } from './redact.js';

/**
 * The one error type of Assay. `code` says what went wrong in a way scripts can match on; `file`,
 * `line` and `field` say where. Exit codes and HTTP statuses are mapped from `code` at the edges only.
 */
export type ErrorCode =
  | 'config.invalid'
  | 'config.missing'
  | 'config.env'
  | 'dataset.parse'
  | 'dataset.invalid'
  | 'template.render'
  | 'evaluator.unknown'
  | 'evaluator.invalid'
  | 'evaluator.failed'
  | 'provider.unknown'
  | 'provider.http'
  | 'provider.rate-limit'
  | 'provider.timeout'
  | 'provider.network'
  | 'provider.response'
  | 'target.invalid'
  | 'target.failed'
  | 'module.load'
  | 'store.failed'
  | 'run.not-found'
  /** The run is not in a state for this (already completed, made on another dataset version). */
  | 'run.conflict'
  | 'run.aborted'
  | 'stats.input'
  /** A value handed to a library function is not usable (a sample size, a filter, a duration). */
  | 'input.invalid'
  /** An output file or folder cannot be written. */
  | 'file.write'
  /** A command-line flag or argument: the CLI's own code. */
  | 'usage';

export interface ErrorLocation {
  file?: string;
  line?: number;
  field?: string;
}

export interface AssayErrorOptions extends ErrorLocation {
  cause?: unknown;
  /** A provider error that a retry may cure (429, 5xx, reset connection, timeout). */
  retryable?: boolean;
  /** Seconds the server asked us to wait (Retry-After), when it said. */
  retryAfterMs?: number;
  status?: number;
  /** Further places that share this error (every unsupported part of an imported suite), one a line. */
  details?: string[];
}

export class AssayError extends Error {
  readonly code: ErrorCode;
  readonly file?: string;
  readonly line?: number;
  readonly field?: string;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly status?: number;
  readonly details?: string[];

  constructor(code: ErrorCode, message: string, options: AssayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AssayError';
    this.code = code;
    this.file = options.file;
    this.line = options.line;
    this.field = options.field;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
    if (options.details) this.details = options.details;
  }

  /** One line: `file:line: field: message`, with whichever parts are known. */
  override toString(): string {
    return formatLocated(this.message, this);
  }
}

export function formatLocated(message: string, at: ErrorLocation): string {
  let where = at.file ?? '';
  if (at.file && at.line !== undefined) where += `:${at.line}`;
  const field = at.field ? `${at.field}: ` : '';
  return where ? `${where}: ${field}${message}` : `${field}${message}`;
}

export function isAssayError(error: unknown): error is AssayError {
  return error instanceof AssayError;
}

/** The message of anything thrown, for storing as data or printing: credentials redacted. */
export function errorMessage(error: unknown): string {
  if (error instanceof AssayError) return redactCredentials(error.toString());
  if (error instanceof Error) return redactCredentials(error.message);
  return redactCredentials(String(error));
}
