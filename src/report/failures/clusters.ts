import { createRng } from '../../stats/random.js';
import { kmeans, nearestCentroid } from './kmeans.js';
import { distanceMatrix, silhouette } from './silhouette.js';
import { tfidf } from './tfidf.js';
import { tokenize } from './tokenize.js';
import { fromDense, type SparseVector } from './vectors.js';

/** Texts to vectors: an `Embedder` (`{ embed(texts) }`) or a bare function. */
export type EmbedFunction = (texts: string[]) => Promise<ArrayLike<number>[]>;
export type EmbedderLike = EmbedFunction | { embed(texts: string[]): Promise<ArrayLike<number>[]> };

export interface ClusterOptions {
  /** Cluster on embeddings instead of TF-IDF; the labels still come from TF-IDF terms. */
  embedder?: EmbedderLike;
  seed?: number;
  /** Largest k tried (default 8); the smallest is 2. */
  maxK?: number;
  /** k-means is fitted on at most this many texts, the rest assigned to the nearest centroid (default 2000). */
  fitSample?: number;
  /** The silhouette is measured on at most this many texts (default 800): it costs n². */
  silhouetteSample?: number;
  /** Terms in a cluster's label (default 4). */
  labelTerms?: number;
}

export interface TextCluster {
  /** The terms that set the cluster apart: highest mean TF-IDF weight above the overall mean. */
  terms: string[];
  /** Indices into the texts given. */
  members: number[];
}

export interface Clustering {
  method: 'tfidf' | 'embeddings';
  k: number;
  /** Mean silhouette of the chosen k; null when there were too few texts to choose. */
  silhouette: number | null;
  /** Largest first. */
  clusters: TextCluster[];
  /** Texts with no usable vector (no distinctive word, or no embedding). */
  unclustered: number[];
}

const EMBED_BATCH = 256;

async function embedAll(embedder: EmbedderLike, texts: string[]): Promise<ArrayLike<number>[]> {
  const embed = typeof embedder === 'function' ? embedder : (t: string[]) => embedder.embed(t);
  const out: ArrayLike<number>[] = [];
  for (let i = 0; i < texts.length; i += EMBED_BATCH)
    out.push(...(await embed(texts.slice(i, i + EMBED_BATCH))));
  return out;
}

function shuffled(n: number, seed: number): number[] {
  const rng = createRng(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

function labels(
  groups: number[][],
  vectors: (SparseVector | null)[],
  terms: string[],
  count: number,
): string[][] {
  const overall = new Float64Array(terms.length);
  let n = 0;
  for (const v of vectors) {
    if (!v) continue;
    n++;
    for (let t = 0; t < v.idx.length; t++) overall[v.idx[t]!]! += v.val[t]!;
  }
  return groups.map((members) => {
    const sum = new Float64Array(terms.length);
    let m = 0;
    for (const i of members) {
      const v = vectors[i];
      if (!v) continue;
      m++;
      for (let t = 0; t < v.idx.length; t++) sum[v.idx[t]!]! += v.val[t]!;
    }
    if (m === 0) return [];
    return [...sum.keys()]
      .map((t) => ({ t, lift: sum[t]! / m - overall[t]! / n, weight: sum[t]! / m }))
      .filter((x) => x.weight > 0 && (x.lift > 0 || groups.length === 1))
      .sort((a, b) => b.lift - a.lift || b.weight - a.weight || (terms[a.t]! < terms[b.t]! ? -1 : 1))
      .slice(0, count)
      .map((x) => terms[x.t]!);
  });
}

/**
 * Groups texts by content so that a theme among failures ("questions about deprecated products")
 * shows as one cluster. Identical texts are clustered once. k is chosen by the mean silhouette over
 * k = 2..min(maxK, n/2), with seeded k-means++ (several starts per k, the best silhouette kept); fewer than four distinct texts make one cluster.
 *
 * @example
 * const { clusters } = await clusterTexts(failedQuestions);
 * clusters[0]; // { terms: ['legacy', 'deprecated', 'plan'], members: [3, 7, 12] }
 */
export async function clusterTexts(texts: string[], options: ClusterOptions = {}): Promise<Clustering> {
  const seed = options.seed ?? 1;
  const method = options.embedder ? 'embeddings' : 'tfidf';
  const distinct = new Map<string, number[]>();
  texts.forEach((t, i) => {
    const list = distinct.get(t);
    if (list) list.push(i);
    else distinct.set(t, [i]);
  });
  const unique = [...distinct.keys()];
  const expand = (ids: number[]) => ids.flatMap((u) => distinct.get(unique[u]!)!).sort((a, b) => a - b);
  const model = tfidf(unique.map(tokenize));
  let vectors = model.vectors;
  let dim = model.terms.length;
  if (options.embedder && unique.length > 0) {
    const dense = fromDense(await embedAll(options.embedder, unique));
    vectors = dense.vectors;
    dim = dense.dim;
  }
  const usable = vectors.flatMap((v, i) => (v ? [i] : []));
  const unclustered = expand(vectors.flatMap((v, i) => (v ? [] : [i])));
  const labelCount = options.labelTerms ?? 4;
  if (usable.length < 4) {
    const groups = usable.length ? [usable] : [];
    const terms = labels(groups, model.vectors, model.terms, labelCount);
    return {
      method,
      k: groups.length,
      silhouette: null,
      clusters: groups.map((g, i) => ({ terms: terms[i]!, members: expand(g) })),
      unclustered,
    };
  }

  const order = shuffled(usable.length, seed).map((i) => usable[i]!);
  const fit = order.slice(0, options.fitSample ?? 2000);
  const fitVectors = fit.map((i) => vectors[i]!);
  const measured = Math.min(fit.length, options.silhouetteSample ?? 800);
  const distances = distanceMatrix(fitVectors.slice(0, measured), dim);
  const rng = createRng(seed);
  const maxK = Math.min(options.maxK ?? 8, Math.floor(fit.length / 2));
  // Lloyd's iterations often settle in a poor local optimum on short texts; small sets can afford many starts.
  const restarts = fit.length <= 500 ? 16 : 4;
  let best: { k: number; score: number; centroids: Float64Array[]; assign: Int32Array } | undefined;
  for (let k = 2; k <= maxK; k++) {
    // Each start is judged by the silhouette, the criterion k is chosen by, rather than by inertia.
    for (let start = 0; start < restarts; start++) {
      const result = kmeans(fitVectors, dim, k, rng, { restarts: 1 });
      const score = silhouette(distances, result.assign.subarray(0, measured), k);
      if (!best || score > best.score + 1e-9) best = { k, score, ...result };
    }
  }
  const groupOf = new Map<number, number>(fit.map((u, i) => [u, best!.assign[i]!]));
  const groups: number[][] = Array.from({ length: best!.k }, () => []);
  for (const u of usable) groups[groupOf.get(u) ?? nearestCentroid(vectors[u]!, best!.centroids)]!.push(u);
  const kept = groups.filter((g) => g.length > 0);
  const terms = labels(kept, model.vectors, model.terms, labelCount);
  const clusters = kept
    .map((g, i) => ({ terms: terms[i]!, members: expand(g) }))
    .sort((a, b) => b.members.length - a.members.length || a.members[0]! - b.members[0]!);
  return { method, k: clusters.length, silhouette: best!.score, clusters, unclustered };
}
