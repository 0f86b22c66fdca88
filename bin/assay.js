#!/usr/bin/env node
// Kept tiny: `assay --version` answers without loading the CLI at all.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { readFileSync } = await import('node:fs');
  process.stdout.write(
    `${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`,
  );
} else {
  const { setFlagsFromString } = await import('node:v8');
  setFlagsFromString('--max-semi-space-size=16');
  setFlagsFromString('--max-old-space-size=256');
  const { main } = await import('../dist/cli/main.js');
  await main(process.argv);
}
