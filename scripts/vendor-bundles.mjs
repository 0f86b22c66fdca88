// Run after `tsc` by `npm run build` (and by the tests' build): bundles kysely and zod into
// dist/vendor/ and points dist's imports at those files; copies Chart.js's one-file build there for
// the HTML report, so that a production install need not carry the chart.js package (7 MB). Each package is hundreds of ES modules
// (kysely ~260, zod ~95) whose resolution and linking cost ~0.1 s of CPU at every start of the CLI;
// one file each costs ~10 ms. Source and tests import the packages as usual; the .d.ts files keep
// naming them, so they stay dependencies (for types).
//
//   node scripts/vendor-bundles.mjs [distDir]
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = process.argv[2] ?? join(root, 'dist');
const vendor = join(dist, 'vendor');
const PACKAGES = ['kysely', 'zod'];

for (const name of PACKAGES) {
  const { version } = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8'));
  const out = join(vendor, `${name}.js`);
  const banner = `// ${name}@${version}, bundled by scripts/vendor-bundles.mjs (licence: node_modules/${name}/LICENSE)`;
  // Rebuilt only when the installed version changed (the first line names it).
  const current = statSync(out, { throwIfNoEntry: false }) && readFileSync(out, 'utf8').split('\n', 1)[0];
  if (current === banner) continue;
  await build({
    stdin: { contents: `export * from '${name}';`, resolveDir: root },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    legalComments: 'inline',
    banner: { js: banner },
    outfile: out,
    logLevel: 'warning',
  });
}

// Chart.js: inlined into HTML reports by src/report/html/assets.ts, with its licence beside it.
const chart = join(root, 'node_modules', 'chart.js');
const { version: chartVersion } = JSON.parse(readFileSync(join(chart, 'package.json'), 'utf8'));
mkdirSync(vendor, { recursive: true });
copyFileSync(join(chart, 'dist', 'chart.umd.min.js'), join(vendor, 'chart.umd.min.js'));
copyFileSync(join(chart, 'LICENSE.md'), join(vendor, 'chart.js-LICENSE.md'));
writeFileSync(
  join(vendor, 'chart.js.json'),
  `${JSON.stringify({ name: 'chart.js', version: chartVersion })}\n`,
);

// `from 'zod'`, `import('kysely')`: exactly the bare names, not subpaths (none are used).
const BARE = new RegExp(`((?:from|import)\\s*\\(?\\s*)(['"])(${PACKAGES.join('|')})\\2`, 'g');

function rewrite(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (path !== vendor) rewrite(path);
      continue;
    }
    if (!entry.name.endsWith('.js')) continue;
    const text = readFileSync(path, 'utf8');
    const to = relative(dir, vendor).split(sep).join('/');
    const next = text.replace(BARE, (_, head, quote, name) => `${head}${quote}${to}/${name}.js${quote}`);
    if (next !== text) writeFileSync(path, next);
  }
}
rewrite(dist);
