#!/usr/bin/env node
// Kept tiny: `assay --version` answers without loading the CLI at all.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { readFileSync } = await import('node:fs');
  process.stdout.write(
    `${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`,
  );
} else {
  // No V8 heap flags are set here: the young generation's size is read only when an isolate is made
  // (the main one already is), and the old generation's limit cannot be changed once started (see
  // src/cli/memory-governor.ts). `node --max-semi-space-size=N bin/assay.js` sets it (docs/serve.md).
  const { main } = await import('../dist/cli/main.js');
  await main(process.argv);
}
