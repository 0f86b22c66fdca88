import { AssayError } from '../core/errors.js';
import type { Role } from '../review/model.js';
import { addUser } from '../review/users.js';
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
