/**
 * A log-linear latency histogram in the manner of HdrHistogram: values are recorded in microseconds
 * into buckets whose width is at most 1/128 of their value, so any percentile is within 0.8% of
 * the exact one, whatever the number of samples. Memory is fixed (a few thousand counters), and
 * recording is a couple of integer operations: the load generator must never be the bottleneck.
 */
const PRECISION_BITS = 7;
const SUB = 1 << PRECISION_BITS; // 128 linear sub-buckets per power of two
const MAX_US = 2 ** 31 - 1; // ~36 minutes; longer is recorded as this
const BUCKETS = (31 - PRECISION_BITS + 2) * SUB;

function indexOf(us: number): number {
  if (us < 2 * SUB) return us;
  const magnitude = 31 - Math.clz32(us);
  const shift = magnitude - PRECISION_BITS;
  return (shift + 1) * SUB + (us >>> shift) - SUB;
}

/** The range of microseconds bucket `i` holds: [low, high). */
function bucketRange(i: number): [number, number] {
  if (i < 2 * SUB) return [i, i + 1];
  const e = Math.floor(i / SUB);
  const shift = e - 1;
  const sub = i - e * SUB + SUB;
  return [sub * 2 ** shift, (sub + 1) * 2 ** shift];
}

export interface HistogramBin {
  fromMs: number;
  toMs: number;
  count: number;
}

export class LatencyHistogram {
  private readonly counts = new Uint32Array(BUCKETS);
  count = 0;
  private sumUs = 0;
  private minUs = Number.POSITIVE_INFINITY;
  private maxUs = 0;

  /** Records one latency in milliseconds (fractions kept to the microsecond). */
  record(ms: number): void {
    let us = Math.round(ms * 1000);
    if (!(us >= 0)) us = 0;
    if (us > MAX_US) us = MAX_US;
    this.counts[indexOf(us)]!++;
    this.count++;
    this.sumUs += us;
    if (us < this.minUs) this.minUs = us;
    if (us > this.maxUs) this.maxUs = us;
  }

  get minMs(): number | null {
    return this.count ? this.minUs / 1000 : null;
  }

  get maxMs(): number | null {
    return this.count ? this.maxUs / 1000 : null;
  }

  get meanMs(): number | null {
    return this.count ? this.sumUs / this.count / 1000 : null;
  }

  /**
   * The p-th percentile (0..100) in milliseconds by nearest rank, the middle of its bucket clamped
   * to the exact min and max; null when nothing was recorded.
   */
  percentile(p: number): number | null {
    if (this.count === 0) return null;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) {
        const [lo, hi] = bucketRange(i);
        const mid = hi - lo <= 1 ? lo : (lo + hi) / 2;
        return Math.min(this.maxUs, Math.max(this.minUs, mid)) / 1000;
      }
    }
    return this.maxUs / 1000;
  }

  /** Adds another histogram's samples to this one (per-worker histograms merged at the end). */
  merge(other: LatencyHistogram): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i]! += other.counts[i]!;
    this.count += other.count;
    this.sumUs += other.sumUs;
    if (other.count) {
      this.minUs = Math.min(this.minUs, other.minUs);
      this.maxUs = Math.max(this.maxUs, other.maxUs);
    }
  }

  /**
   * The samples in `n` bins of equal width on a log scale from min to max, for a terminal chart.
   * Each sample is counted in the bin holding the middle of its bucket.
   */
  bins(n = 12): HistogramBin[] {
    if (this.count === 0) return [];
    const lo = Math.max(this.minUs, 1);
    const hi = Math.max(this.maxUs, lo + 1);
    const edges = Array.from({ length: n + 1 }, (_, k) => lo * (hi / lo) ** (k / n));
    edges[n] = hi;
    const out = Array.from({ length: n }, (_, k) => ({
      fromMs: edges[k]! / 1000,
      toMs: edges[k + 1]! / 1000,
      count: 0,
    }));
    const ratio = Math.log(hi / lo);
    for (let i = 0; i < BUCKETS; i++) {
      const c = this.counts[i]!;
      if (c === 0) continue;
      const [a, b] = bucketRange(i);
      const mid = Math.min(hi, Math.max(lo, b - a <= 1 ? a : (a + b) / 2));
      const k = ratio > 0 ? Math.min(n - 1, Math.floor((Math.log(mid / lo) / ratio) * n)) : 0;
      out[k]!.count += c;
    }
    return out;
  }
}
