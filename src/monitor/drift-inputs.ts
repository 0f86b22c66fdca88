import { kmeans } from '../stats/kmeans.js';
import { mmdTest } from '../stats/mmd.js';
import { type DriftTest, pct, round } from './drift-test.js';

/** Inputs with their embeddings (unit vectors from the configured embedder). */
export interface EmbeddedInputs {
  texts: string[];
  vectors: number[][];
  /** The trace of each input, when known: examples then link to their traces. */
  ids?: string[];
}

export interface InputDriftOptions {
  /** Permutations of the MMD test (default 999). */
  permutations?: number;
  /** Clusters the pooled inputs are grouped into to say what moved (default 8). */
  clusters?: number;
  /** A cluster is reported as grown or shrunk when its share moved by at least this (default 0.05). */
  minShift?: number;
  seed?: number;
}

export interface ClusterShift {
  cluster: number;
  referenceShare: number;
  currentShare: number;
  change: number;
  /** Inputs of the cluster least like the other side: from the window when it grew, the reference when it shrank. */
  examples: string[];
  /** The trace of each example, same order (empty when the inputs came without ids). */
  traceIds: string[];
}

/** Fewer inputs than this on either side, and input drift is not tested. */
export const MIN_INPUTS = 20;

function dist2(a: number[], b: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s;
}

/**
 * Input drift of one window: an MMD two-sample test with a Gaussian kernel on the embeddings of the
 * user inputs (permutation p-value), and what moved: k-means on the pooled inputs, each cluster's
 * share in the reference and in the window, the clusters that grew or shrank with example inputs.
 * The effect is the total variation distance between the cluster shares (half the sum of the
 * absolute changes: the share of inputs that would have to move cluster).
 */
export function inputDrift(
  ref: EmbeddedInputs,
  cur: EmbeddedInputs,
  opts: InputDriftOptions = {},
): DriftTest | undefined {
  if (ref.vectors.length < MIN_INPUTS || cur.vectors.length < MIN_INPUTS) return undefined;
  const seed = opts.seed ?? 0;
  const test = mmdTest(ref.vectors, cur.vectors, { permutations: opts.permutations ?? 999, seed });
  // Clusters are found on equal numbers of reference and current inputs, so that a topic new in the
  // window is not drowned by a reference several times bigger; every input is then assigned.
  const refPart = ref.vectors.slice(0, cur.vectors.length);
  const k = Math.min(opts.clusters ?? 8, Math.floor((refPart.length + cur.vectors.length) / 10) || 1);
  const { centroids } = kmeans([...refPart, ...cur.vectors], k, { seed });
  const nearest = (v: number[]) => {
    let best = 0;
    for (let c = 1; c < centroids.length; c++)
      if (dist2(v, centroids[c]!) < dist2(v, centroids[best]!)) best = c;
    return best;
  };
  const assignment = [...ref.vectors, ...cur.vectors].map(nearest);
  const nr = ref.vectors.length;
  const shifts: ClusterShift[] = centroids.map((_centre, c) => {
    let inRef = 0;
    let inCur = 0;
    assignment.forEach((a, i) => {
      if (a !== c) return;
      if (i < nr) inRef++;
      else inCur++;
    });
    const referenceShare = inRef / nr;
    const currentShare = inCur / cur.vectors.length;
    const change = currentShare - referenceShare;
    // Examples: the members least like the other side (farthest from its nearest input there), so a
    // grown cluster shows what is new in it rather than what it shared with the reference.
    const [mine, other, offset] = change >= 0 ? [cur, ref, nr] : [ref, cur, 0];
    const seen = new Set<string>();
    const chosen = mine.vectors
      .flatMap((v, i) => (assignment[offset + i] === c ? [{ i, d: nearestDistance(v, other.vectors) }] : []))
      .sort((a, b) => b.d - a.d)
      .filter((m) => !seen.has(mine.texts[m.i]!) && seen.add(mine.texts[m.i]!))
      .slice(0, 3);
    return {
      cluster: c,
      referenceShare: round(referenceShare, 4),
      currentShare: round(currentShare, 4),
      change: round(change, 4),
      examples: chosen.map((m) => mine.texts[m.i]!),
      traceIds: mine.ids ? chosen.map((m) => mine.ids![m.i]!) : [],
    };
  });
  const effect = shifts.reduce((a, s) => a + Math.abs(s.currentShare - s.referenceShare), 0) / 2;
  const moved = shifts
    .filter((s) => Math.abs(s.change) >= (opts.minShift ?? 0.05))
    .sort((a, b) => Math.abs(b.change) - Math.abs(a.change));
  const top = moved[0];
  const what = top
    ? `; ${top.change > 0 ? 'grew' : 'shrank'}: inputs like "${truncate(top.examples[0] ?? '')}" ${pct(top.referenceShare)} → ${pct(top.currentShare)}`
    : '';
  return {
    kind: 'drift.inputs',
    test: 'mmd',
    statistic: test.statistic,
    p: test.p,
    effect,
    effectName: 'cluster-share-shift',
    message: `inputs moved: ${pct(effect)} of inputs changed cluster (MMD² ${round(test.statistic, 4)}, p=${round(test.p, 4)})${what}`,
    details: { bandwidth: test.bandwidth, reference: nr, current: cur.vectors.length, clusters: moved },
  };
}

function nearestDistance(v: number[], others: number[][]): number {
  let best = Number.POSITIVE_INFINITY;
  for (const o of others) best = Math.min(best, dist2(v, o));
  return best;
}

function truncate(s: string, n = 80): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
