/**
 * False alarms of drift detection on stationary traffic: `npx tsx bench/monitor-false-alarms.ts [seeds]`.
 * For each seed: 14 reference days and 100 stationary days of synthetic traffic (100 traces a day,
 * the local embedder), every test on (inputs, 4 outputs, 6 metrics), Holm at 0.05 within each window.
 * Prints the windows with any alert per seed, which tests fired, and the rate over all seeds.
 */
import { createLocalEmbedder } from '../src/embeddings/local.js';
import { detectDrift } from '../src/monitor/detect.js';
import { DAY, START, syntheticTraffic } from '../test/helpers/synthetic-traffic.js';

const seeds = Number(process.argv[2] ?? 10);
const embedder = createLocalEmbedder();
let windows = 0;
let alarmed = 0;
const byKind = new Map<string, number>();
for (let seed = 1; seed <= seeds; seed++) {
  const traffic = syntheticTraffic({ days: 114, perDay: 100, seed });
  const t0 = performance.now();
  const result = await detectDrift(traffic, {
    window: DAY,
    reference: { from: new Date(START).toISOString(), to: new Date(START + 14 * DAY).toISOString() },
    inputs: 'embedding',
    outputs: ['length', 'json-valid', 'refusal', 'language'],
    metrics: [
      'online-score',
      'thumbs-down-rate',
      'rephrase-rate',
      'latency-p95',
      'cost-per-query',
      'error-rate',
    ],
    embed: (texts) => embedder.embed(texts),
    from: START,
    to: START + 114 * DAY,
    maxInputs: 100,
    permutations: 499,
    seed,
  });
  const tested = result.windows.filter((w) => w.status === 'tested');
  const hit = tested.filter((w) => w.tests.some((t) => t.alert));
  windows += tested.length;
  alarmed += hit.length;
  for (const w of hit)
    for (const t of w.tests) if (t.alert) byKind.set(t.kind, (byKind.get(t.kind) ?? 0) + 1);
  console.log(
    `seed ${seed}: ${hit.length} of ${tested.length} windows with an alert (${Math.round(performance.now() - t0)} ms)`,
  );
}
console.log(`overall: ${alarmed} of ${windows} windows (${((100 * alarmed) / windows).toFixed(1)}%)`);
console.log('alerts by test:', Object.fromEntries([...byKind].sort((a, b) => b[1] - a[1])));
