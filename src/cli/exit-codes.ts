import { type ErrorCode, errorMessage, isAssayError } from '../core/errors.js';
import { redactCredentials } from '../core/redact.js';
import { printable } from '../util/text-file.js';

/** 0 gates pass, 1 gates fail, 2 usage/config/dataset error, 3 aborted or infrastructure failure. */
export const EXIT = { ok: 0, gatesFailed: 1, usage: 2, infrastructure: 3 } as const;

const USAGE_CODES = new Set<ErrorCode>([
  'usage',
  'config.invalid',
  'config.missing',
  'config.env',
  'dataset.parse',
  'dataset.invalid',
  'template.render',
  'evaluator.unknown',
  'evaluator.invalid',
  'provider.unknown',
  'target.invalid',
  'module.load',
  'run.not-found',
  'stats.input',
]);

export function exitCodeFor(error: unknown): number {
  if (isAssayError(error) && USAGE_CODES.has(error.code)) return EXIT.usage;
  return EXIT.infrastructure;
}

/** Prints an error as one line on stderr and sets the exit code. */
export function reportError(error: unknown): number {
  const code = exitCodeFor(error);
  const message = printable(errorMessage(error).split('\n')[0]!);
  process.stderr.write(`assay: error: ${message}\n`);
  if (process.env.ASSAY_DEBUG && error instanceof Error && error.stack)
    process.stderr.write(`${redactCredentials(error.stack)}\n`);
  return code;
}
