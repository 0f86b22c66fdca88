import { AssayError } from '../core/errors.js';
import type { Role } from '../review/model.js';
import { addUser, listUsers, removeUser } from '../review/users.js';
import { openStores } from '../store/open.js';
import { EXIT } from './exit-codes.js';

async function readPassword(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  if (password.length < 8)
    throw new AssayError('usage', '--password: give the password (at least 8 characters) on stdin', {
      field: '--password',
    });
  return password;
}

/**
 * `assay users add NAME --role reviewer|admin [--project P] [--password]`: prints the person's token
 * (once; only its hash is stored) and the sign-in path. With --password, the password is read from
 * stdin (never from the command line, where it would land in shell history) and stored as scrypt.
 */
export async function usersAddCommand(
  name: string,
  flags: { role: string; project?: string; password?: boolean; db?: string },
): Promise<number> {
  const password = flags.password ? await readPassword() : undefined;
  const { traces, reviews } = await openStores(flags.db);
  try {
    const { token, signInPath, user } = await addUser(reviews, traces, {
      name,
      role: flags.role as Role,
      ...(flags.project ? { project: flags.project } : {}),
      ...(password ? { password } : {}),
    });
    process.stderr.write(
      `assay: added ${user.role} "${user.name}" to project "${flags.project ?? 'default'}"; the token is shown once, store it now\n`,
    );
    process.stdout.write(`${token}\nsign in: ${signInPath}\n`);
    return EXIT.ok;
  } finally {
    await traces.close();
  }
}

/** `assay users list [--project P] [--json]`: the people of a project (never a token), removed ones marked. */
export async function usersListCommand(flags: {
  project?: string;
  json?: boolean;
  db?: string;
}): Promise<number> {
  const { traces, reviews } = await openStores(flags.db);
  try {
    const people = await listUsers(reviews, traces, flags.project ?? 'default');
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(people, null, 2)}\n`);
      return EXIT.ok;
    }
    if (people.length === 0) {
      process.stdout.write(
        `no users in project "${flags.project ?? 'default'}" (assay users add NAME --role reviewer)\n`,
      );
      return EXIT.ok;
    }
    const rows = [
      ['name', 'role', 'password', 'added', 'state'],
      ...people.map((u) => [
        u.name,
        u.role,
        u.password ? 'yes' : 'no',
        u.createdAt.slice(0, 10),
        u.removedAt ? `removed ${u.removedAt.slice(0, 10)}` : 'active',
      ]),
    ];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows)
      process.stdout.write(
        `${r
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd()}\n`,
      );
    return EXIT.ok;
  } finally {
    await traces.close();
  }
}

/**
 * `assay users remove NAME [--project P]`: their token and password stop working and their sessions
 * end at once (also on a running server: every request checks the person is live); the items they
 * hold go back to the pool; their labels stay.
 */
export async function usersRemoveCommand(
  name: string,
  flags: { project?: string; db?: string },
): Promise<number> {
  const { traces, reviews, sessions } = await openStores(flags.db);
  try {
    const done = await removeUser(reviews, sessions, traces, {
      name,
      ...(flags.project ? { project: flags.project } : {}),
    });
    process.stdout.write(
      `assay: removed ${done.user.role} "${done.user.name}" from project "${flags.project ?? 'default'}": token and password revoked, ${done.sessions} session(s) ended, ${done.leases} leased item(s) back in the pool; their labels stay\n`,
    );
    return EXIT.ok;
  } finally {
    await traces.close();
  }
}
