import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';

type Run = (body: () => Promise<number>) => Promise<void>;

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('expected a port from 0 to 65535');
  return n;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

const projectOption = ['--project <name>', 'the project (default: default)'] as const;

/** `assay serve`, `assay keys …` and `assay traces …`: the production half's commands. */
export function addProductionCommands(program: Command, run: Run, dbOption: readonly [string, string]): void {
  program
    .command('serve')
    .description('ingest production traffic (OTLP at /v1/traces, native API) and serve the JSON API')
    .option('--host <host>', 'the interface to listen on (0.0.0.0 exposes it)', '127.0.0.1')
    .option('--port <n>', 'the port (0 takes a free one)', port, 4318)
    .option(...dbOption)
    .option('--queue-size <n>', 'records waiting for a commit at most before answering 503', positiveInt)
    .option(
      '-c, --config <file>',
      'its ingest: section (redact, content, signals) and monitor: section (drift, online evaluators, alerts)',
    )
    .option(
      '--threads <n>',
      'worker threads decoding OTLP bodies (default 1 with two cores or more, else 0: the main thread)',
      (v) => (v === '0' ? 0 : positiveInt(v)),
    )
    .action((flags) => run(async () => (await import('./serve.js')).serveCommand(flags, process.env)));

  const users = program.command('users').description('people who review: add, list, remove');
  users
    .command('add')
    .description('add a reviewer or admin; prints their personal token once and a sign-in link path')
    .argument('<name>', 'their name (shown on the queue page and in /raters)')
    .requiredOption('--role <role>', 'reviewer or admin')
    .option('--project <name>', 'their project (default: default)')
    .option('--password', 'also allow password sign-in; the password is read from stdin')
    .option(...dbOption)
    .action((name, flags) => run(async () => (await import('./users.js')).usersAddCommand(name, flags)));
  users
    .command('list')
    .description('list the people of a project (names, roles, states; never a token)')
    .option('--project <name>', 'their project (default: default)')
    .option('--json', 'as JSON')
    .option(...dbOption)
    .action((flags) => run(async () => (await import('./users.js')).usersListCommand(flags)));
  users
    .command('remove')
    .description(
      'remove a person: their token, password and sessions stop working at once; their labels stay',
    )
    .argument('<name>', 'their name (see "assay users list")')
    .option('--project <name>', 'their project (default: default)')
    .option(...dbOption)
    .action((name, flags) => run(async () => (await import('./users.js')).usersRemoveCommand(name, flags)));

  const keys = program.command('keys').description('API keys of projects: create, list, revoke');
  keys
    .command('create')
    .description('create a key for a project (created if new); the key is printed once')
    .requiredOption('--project <name>', 'the project the key reads and writes')
    .option(...dbOption)
    .action((flags) => run(async () => (await import('./keys.js')).keysCreateCommand(flags)));
  keys
    .command('list')
    .description('list keys (ids, projects, prefixes, states; never a key)')
    .option(...dbOption)
    .option('--json', 'as JSON')
    .action((flags) => run(async () => (await import('./keys.js')).keysListCommand(flags)));
  keys
    .command('revoke')
    .description('revoke a key; it stops working at once')
    .argument('<id>', 'the key id (see "assay keys list")')
    .option(...dbOption)
    .action((id, flags) => run(async () => (await import('./keys.js')).keysRevokeCommand(id, flags)));

  program
    .command('prune')
    .description('delete production traces (spans, scores, feedback, events) older than a duration')
    .requiredOption('--older-than <duration>', 'the retention: 30d, 12h')
    .option(...dbOption)
    .action((flags) => run(async () => (await import('./prune.js')).pruneCommand(flags)));

  const traces = program
    .command('traces')
    .description('list the newest production traces, or show one')
    .option('--since <duration>', 'how far back: 30m, 1h, 24h', '1h')
    .option(...projectOption)
    .option('-n, --limit <n>', 'how many', positiveInt)
    .option(...dbOption)
    .option('--json', 'as JSON')
    .action((flags) => run(async () => (await import('./traces.js')).tracesCommand(flags)));
  traces
    .command('show')
    .description('every span of a trace: model, tokens, input and output')
    .argument('<trace-id>', "the trace id (hex as sent, or a native event's traceId)")
    .option(...projectOption)
    .option(...dbOption)
    .option('--json', 'as JSON')
    // `--db`, `--project` and `--json` may land on `traces` itself (commander parses a parent's
    // options anywhere on the line): read them merged.
    .action((id, _flags, cmd: Command) =>
      run(async () => (await import('./traces.js')).traceShowCommand(id, cmd.optsWithGlobals())),
    );
}
