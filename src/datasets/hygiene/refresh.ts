import type { Case } from '../../core/case.js';
import { cosine } from '../../embeddings/vector.js';
import { detectPii } from '../../evaluators/safety/pii.js';
import { detectSecrets } from '../../evaluators/safety/secrets.js';
import { redactText } from '../../monitor/ingest-privacy.js';
import { isNegativeFeedback, type MonitoredTrace, segmentOf } from '../../monitor/traffic.js';
import { kmeans } from '../../stats/kmeans.js';
import { largestRemainder } from '../sample.js';
import { caseInput } from './words.js';

/** Why a production trace was proposed, strongest first. */
export type RefreshReason = 'uncovered' | 'negative-feedback' | 'error' | 'low-score' | 'signal';

export interface RefreshOptions {
  /** How many cases to propose. */
  count: number;
  /** Trace fields whose values are the strata (`tags.segment`, `model`); none → one stratum. */
  stratifyBy?: string[];
  /** Unit vectors of texts, from the configured embedder. */
  embed: (texts: string[]) => Promise<ArrayLike<number>[]>;
  /** Clusters the pooled inputs are grouped into (default: about one per 10 inputs, 4–40). */
  clusters?: number;
  /** Two proposals this similar (cosine) are the same question; the second is skipped (default 0.95). */
  duplicateAbove?: number;
  /** An online score under this is a failure (default 0.5). */
  lowScoreBelow?: number;
  seed?: number;
}

export interface RefreshProposal {
  trace: MonitoredTrace;
  /** The input with personal data and secrets masked (`[pii.email]`). */
  input: string;
  /** The production answer, masked the same way: context for the reviewer, not an expected answer. */
  output: string;
  /** The trace's tags, masked the same way. */
  tags: Record<string, string>;
  stratum: string;
  reasons: RefreshReason[];
  /** The most similar golden case and its cosine similarity. */
  nearest?: { caseId: string; similarity: number };
}

export interface RefreshStratum {
  stratum: string;
  /** Distinct production inputs of the stratum in the window. */
  traffic: number;
  proposed: number;
}

export interface RefreshReport {
  proposals: RefreshProposal[];
  strata: RefreshStratum[];
  /** Distinct production inputs considered. */
  considered: number;
  /** Input clusters with production traffic and no golden case. */
  uncoveredClusters: number;
  clusters: number;
}

const WEIGHT: Record<RefreshReason, number> = {
  uncovered: 8,
  'negative-feedback': 4,
  error: 2,
  'low-score': 2,
  signal: 1,
};

const mask = (text: string) => redactText(text, [(t) => detectPii(t), detectSecrets]);

/**
 * New golden cases proposed from production traffic. The distinct inputs are shared among the
 * strata in proportion to their traffic (largest remainder); within a stratum the inputs the
 * golden set does not cover come first — those in an input cluster (k-means over golden and
 * production inputs together) with no golden case — then negative feedback, errors, low online
 * scores and implicit signals; ties go to the input least like any golden case. Near-duplicates of
 * an earlier proposal are skipped. Inputs and outputs are masked (PII and secrets) before they are
 * returned. Deterministic for a seed.
 */
export async function proposeRefresh(
  golden: readonly Case[],
  traffic: readonly MonitoredTrace[],
  options: RefreshOptions,
): Promise<RefreshReport> {
  const by = options.stratifyBy ?? [];
  const candidates = distinctInputs(traffic);
  if (candidates.length === 0 || options.count <= 0)
    return { proposals: [], strata: [], considered: candidates.length, uncoveredClusters: 0, clusters: 0 };
  const goldenTexts = golden.map(caseInput);
  const vectors = (await options.embed([...goldenTexts, ...candidates.map((t) => t.input)])).map((v) =>
    Array.from(v),
  );
  const goldenVectors = vectors.slice(0, golden.length);
  const inputVectors = vectors.slice(golden.length);

  const k =
    options.clusters ?? Math.max(4, Math.min(40, Math.round((golden.length + candidates.length) / 10)));
  const { assignment } = kmeans(vectors, Math.min(k, vectors.length), { seed: options.seed ?? 1 });
  const withGolden = new Set(assignment.slice(0, golden.length));
  const inputClusters = new Set(assignment.slice(golden.length));
  const uncovered = [...inputClusters].filter((c) => !withGolden.has(c)).length;

  const lowScore = options.lowScoreBelow ?? 0.5;
  const scored = candidates.map((trace, i) => {
    const reasons: RefreshReason[] = [];
    if (!withGolden.has(assignment[golden.length + i]!)) reasons.push('uncovered');
    if (trace.feedback?.some(isNegativeFeedback)) reasons.push('negative-feedback');
    if (trace.error) reasons.push('error');
    if (Object.values(trace.scores ?? {}).some((s) => s !== null && s < lowScore)) reasons.push('low-score');
    if (trace.signals?.length) reasons.push('signal');
    const nearest = nearestCase(inputVectors[i]!, goldenVectors, golden);
    const priority = reasons.reduce((a, r) => a + WEIGHT[r], 0) + (1 - (nearest?.similarity ?? 0)) / 2;
    return { trace, i, reasons, nearest, priority, stratum: segmentOf(trace, by) };
  });

  const byStratum = new Map<string, typeof scored>();
  for (const s of scored) {
    const list = byStratum.get(s.stratum);
    if (list) list.push(s);
    else byStratum.set(s.stratum, [s]);
  }
  const keys = [...byStratum.keys()].sort();
  const seats = largestRemainder(
    keys.map((key) => byStratum.get(key)!.length),
    Math.min(options.count, candidates.length),
  );
  const duplicateAbove = options.duplicateAbove ?? 0.95;
  const proposals: RefreshProposal[] = [];
  const strata: RefreshStratum[] = keys.map((stratum, s) => {
    const ranked = byStratum
      .get(stratum)!
      .sort((a, b) => b.priority - a.priority || a.trace.timestamp - b.trace.timestamp);
    const picked: typeof ranked = [];
    for (const c of ranked) {
      if (picked.length >= seats[s]!) break;
      const v = inputVectors[c.i]!;
      if (picked.some((p) => cosine(v, inputVectors[p.i]!) >= duplicateAbove)) continue;
      picked.push(c);
    }
    for (const c of picked)
      proposals.push({
        trace: c.trace,
        input: mask(c.trace.input),
        output: mask(c.trace.output),
        tags: Object.fromEntries(Object.entries(c.trace.tags ?? {}).map(([k, v]) => [k, mask(v)])),
        stratum,
        reasons: c.reasons,
        ...(c.nearest ? { nearest: c.nearest } : {}),
      });
    return { stratum, traffic: ranked.length, proposed: picked.length };
  });
  return {
    proposals,
    strata,
    considered: candidates.length,
    uncoveredClusters: uncovered,
    clusters: new Set(assignment).size,
  };
}

/** One trace per distinct (trimmed, case-folded) input, the latest; traces without input are left out. */
function distinctInputs(traffic: readonly MonitoredTrace[]): MonitoredTrace[] {
  const latest = new Map<string, MonitoredTrace>();
  for (const t of traffic) {
    const key = t.input.trim().toLowerCase();
    if (!key) continue;
    const seen = latest.get(key);
    if (!seen || t.timestamp >= seen.timestamp) latest.set(key, t);
  }
  return [...latest.values()].sort((a, b) => a.timestamp - b.timestamp || (a.id < b.id ? -1 : 1));
}

function nearestCase(
  v: readonly number[],
  goldenVectors: readonly number[][],
  golden: readonly Case[],
): { caseId: string; similarity: number } | undefined {
  let best = -1;
  let at = -1;
  goldenVectors.forEach((g, j) => {
    const s = cosine(v, g);
    if (s > best) [best, at] = [s, j];
  });
  return at < 0 ? undefined : { caseId: golden[at]!.id, similarity: Math.round(best * 1e4) / 1e4 };
}
