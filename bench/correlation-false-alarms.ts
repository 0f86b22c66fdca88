/**
 * The offline↔online correlation alert's false alarms and power:
 * `npx tsx bench/correlation-false-alarms.ts [windows]` (default 20,000 per cell).
 * Each window is `n` periods of (offline, online) drawn with a given population Spearman rho, in
 * three shapes (continuous, skewed, tied: test/helpers/correlated-periods.ts); a window alerts when
 * rollingCorrelation says `below` (its 95% Fisher-z interval's upper bound is under 0.7). Prints
 * the share of windows that alert per shape, n and true rho; at rho >= 0.7 that share is the false
 * alarm rate, under it the power. The tied shape is shown at the threshold only (its rho is not
 * 6/π asin(r/2)).
 */
import { MIN_CORRELATION_PERIODS, rollingCorrelation } from '../src/monitor/correlation.js';
import { createRng } from '../src/stats/random.js';
import {
  correlatedPeriods,
  pearsonForSpearman,
  type Shape,
  TIED_R_AT_070,
} from '../test/helpers/correlated-periods.js';

const windows = Number(process.argv[2] ?? 20_000);
const sizes = [MIN_CORRELATION_PERIODS, 12, 20, 30];
const rhos = [0.9, 0.8, 0.7, 0.5, 0.3, 0, -0.5];

function alertShare(n: number, r: number, shape: Shape, seed: number): number {
  const rng = createRng(seed);
  let alerts = 0;
  for (let k = 0; k < windows; k++) {
    const [w] = rollingCorrelation(correlatedPeriods(n, r, shape, rng), { periods: n, alertBelow: 0.7 });
    if (w!.alert) alerts++;
  }
  return alerts / windows;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
console.log(`${windows} windows per cell; alert = 95% upper bound under 0.7`);
console.log(`| shape | true rho | ${sizes.map((n) => `n = ${n}`).join(' | ')} |`);
console.log(`|---|---|${sizes.map(() => '---').join('|')}|`);
let seed = 1;
for (const shape of ['continuous', 'skewed'] as const) {
  for (const rho of rhos) {
    const cells = sizes.map((n) => pct(alertShare(n, pearsonForSpearman(rho), shape, seed++)));
    console.log(`| ${shape} | ${rho} | ${cells.join(' | ')} |`);
  }
}
const tied = sizes.map((n) => pct(alertShare(n, TIED_R_AT_070, 'tied', seed++)));
console.log(`| tied | 0.70 | ${tied.join(' | ')} |`);
