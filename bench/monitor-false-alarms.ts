/**
 * False alarms of drift detection on stationary traffic:
 * `npx tsx bench/monitor-false-alarms.ts [seeds] [--by-segment]`.
 * For each seed: 14 reference days and 100 stationary days of synthetic traffic (100 traces a day,
 * the local embedder), every test on (inputs, 4 outputs, 6 metrics), Holm within each window.
 * Prints, per seed and over all seeds, the windows with any alert at a per-window alpha of 0.01,
 * 0.02 (the default) and 0.05, and which tests fired at the default. `--by-segment` also tests each
 * segment (consumer 70%, business 30%) in the same Holm family, as `drift.bySegment: true` does.
 */
import { createLocalEmbedder } from '../src/embeddings/local.js';
import { DEFAULT_ALPHA, detectDrift } from '../src/monitor/detect.js';
import { DAY, START, syntheticTraffic } from '../test/helpers/synthetic-traffic.js';

const seeds = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 10);
const bySegment = process.argv.includes('--by-segment');
const alphas = [0.01, 0.02, 0.05];
const embedder = createLocalEmbedder();
const totals = alphas.map(() => 0);
let windows = 0;
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
    permutations: 999,
    seed,
    ...(bySegment ? { segments: ['tags.segment'] } : {}),
  });
  const tested = result.windows.filter((w) => w.status === 'tested');
  windows += tested.length;
  const counts = alphas.map((a) => tested.filter((w) => w.tests.some((t) => t.adjustedP! <= a)).length);
  counts.forEach((c, i) => {
    totals[i]! += c;
  });
  for (const w of tested)
    for (const t of w.tests)
      if (t.adjustedP! <= DEFAULT_ALPHA) {
        const key = t.segment ? `${t.kind} [${t.segment}]` : t.kind;
        byKind.set(key, (byKind.get(key) ?? 0) + 1);
      }
  const shown = alphas.map((a, i) => `${counts[i]} at ${a}`).join(', ');
  console.log(
    `seed ${seed}: windows with an alert of ${tested.length}: ${shown} (${Math.round(performance.now() - t0)} ms)`,
  );
}
const shown = alphas.map((a, i) => `${totals[i]} (${((100 * totals[i]!) / windows).toFixed(1)}%) at ${a}`);
console.log(`overall, of ${windows} windows: ${shown.join(', ')}`);
console.log(
  `alerts by test at ${DEFAULT_ALPHA}:`,
  Object.fromEntries([...byKind].sort((a, b) => b[1] - a[1])),
);
