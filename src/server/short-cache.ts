/**
 * Answers of an expensive computation, shared while in flight and kept `ttlMs` after they arrive:
 * a page that asks twice (two panels, a reload, a second tab) pays for one computation instead of
 * queueing another behind it. A failure is not kept. At most `max` keys, the oldest dropped first.
 *
 * @example
 * const drift = new ShortCache<Report>(60_000, 32, Date.now);
 * await drift.get(`${project}|${from}|${to}`, () => compute(from, to));
 */
export class ShortCache<T> {
  private readonly entries = new Map<string, { done: number; value: Promise<T> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
    private readonly now: () => number,
  ) {}

  get(key: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.done < this.ttlMs) return hit.value;
    // In flight until it settles: `done` stays in the future, so every caller shares it.
    const entry = { done: Number.POSITIVE_INFINITY, value: compute() };
    this.entries.delete(key);
    this.entries.set(key, entry);
    entry.value.then(
      () => {
        entry.done = this.now();
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return entry.value;
  }
}
