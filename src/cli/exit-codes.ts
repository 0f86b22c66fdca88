import { type ErrorCode, errorMessage, isAssayError } from '../core/errors.js';
import { redactCredentials } from '../core/redact.js';
import { printable } from '../util/text-file.js';

/** 0 gates pass, 1 gates fail, 2 usage/config/dataset error, 3 aborted or infrastructure failure. */
export const EXIT = { ok: 0, gatesFailed: 1, usage: 2, infrastructure: 3 } as const;
type Exit = (typeof EXIT)[keyof typeof EXIT];

/**
 * Every error code's exit code: what the user must fix in their input is 2, what failed around
 * them is 3. A new code without an entry here is a type error.
 */
const EXIT_FOR = {
  usage: EXIT.usage,
  'input.invalid': EXIT.usage,
  'config.invalid': EXIT.usage,
  'config.missing': EXIT.usage,
  'config.env': EXIT.usage,
  'dataset.parse': EXIT.usage,
  'dataset.invalid': EXIT.usage,
  'template.render': EXIT.usage,
  'evaluator.unknown': EXIT.usage,
  'evaluator.invalid': EXIT.usage,
  'provider.unknown': EXIT.usage,
  'target.invalid': EXIT.usage,
  'module.load': EXIT.usage,
  'run.not-found': EXIT.usage,
  'run.conflict': EXIT.usage,
  'stats.input': EXIT.usage,
  // The user named a path that cannot be written (a folder, a file where a folder should be).
  'file.write': EXIT.usage,
  'evaluator.failed': EXIT.infrastructure,
  'provider.http': EXIT.infrastructure,
  'provider.rate-limit': EXIT.infrastructure,
  'provider.timeout': EXIT.infrastructure,
  'provider.network': EXIT.infrastructure,
  'provider.response': EXIT.infrastructure,
  'target.failed': EXIT.infrastructure,
  'store.failed': EXIT.infrastructure,
  'run.aborted': EXIT.infrastructure,
} as const satisfies Record<ErrorCode, Exit>;

export function exitCodeFor(error: unknown): Exit {
  return (isAssayError(error) && EXIT_FOR[error.code]) || EXIT.infrastructure;
}

/** Prints an error as one line on stderr and sets the exit code. */
export function reportError(error: unknown): number {
  const code = exitCodeFor(error);
  const message = printable(errorMessage(error).split('\n')[0]!);
  process.stderr.write(`assay: error: ${message}\n`);
  // One line says what went wrong; a list of the places it went wrong follows, one a line.
  for (const line of isAssayError(error) ? (error.details ?? []) : [])
    process.stderr.write(`  ${printable(redactCredentials(line))}\n`);
  if (process.env.ASSAY_DEBUG && error instanceof Error && error.stack)
    process.stderr.write(`${redactCredentials(error.stack)}\n`);
  return code;
}
