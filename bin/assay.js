#!/usr/bin/env node
// Kept tiny: `assay --version` answers without loading the CLI at all.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { readFileSync } = await import('node:fs');
  process.stdout.write(
    `${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`,
  );
} else {
  // Results live a few milliseconds (in flight, then in the commit window): a larger young
  // generation collects them there instead of promoting them to the old one.
  // (The old generation's limit cannot be changed once started: see src/cli/memory-governor.ts.)
  const { setFlagsFromString } = await import('node:v8');
  setFlagsFromString('--max-semi-space-size=16');
  const { main } = await import('../dist/cli/main.js');
  await main(process.argv);
}
