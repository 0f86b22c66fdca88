import { describe, expect, it } from 'vitest';
import { batchTexts, coalescing } from './batch.js';
import type { Embedder } from './embedder.js';

function recording(): Embedder & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    id: 'len',
    calls,
    async embed(texts) {
      calls.push(texts);
      return texts.map((t) => Float32Array.from([t.length]));
    },
  };
}

describe('batchTexts', () => {
  it('splits into slices of the batch size, in order', async () => {
    const seen: string[][] = [];
    const out = await batchTexts(['a', 'b', 'c', 'd', 'e'], 2, async (part) => {
      seen.push(part);
      return part.map((t) => t.toUpperCase());
    });
    expect(seen).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(out).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(await batchTexts([], 2, async () => ['never'])).toEqual([]);
  });
});

describe('coalescing', () => {
  it('merges calls made together into one, each distinct text once', async () => {
    const inner = recording();
    const e = coalescing(inner);
    const [x, y, z] = await Promise.all([e.embed(['aa', 'b']), e.embed(['b', 'cccc']), e.embed(['aa'])]);
    expect(inner.calls).toEqual([['aa', 'b', 'cccc']]);
    expect(x!.map((v) => v[0])).toEqual([2, 1]);
    expect(y!.map((v) => v[0])).toEqual([1, 4]);
    expect(z!.map((v) => v[0])).toEqual([2]);
    await e.embed(['later']);
    expect(inner.calls).toHaveLength(2);
  });

  it('rejects every merged caller when the call fails, and an aborted caller at once', async () => {
    const failing: Embedder = {
      id: 'x',
      embed: async () => {
        throw new Error('server said no');
      },
    };
    const e = coalescing(failing);
    const results = await Promise.allSettled([e.embed(['a']), e.embed(['b'])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason.message).toBe('server said no');

    const inner = recording();
    const merged = coalescing(inner);
    const controller = new AbortController();
    const aborted = merged.embed(['a'], { signal: controller.signal });
    const other = merged.embed(['b']);
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    expect((await other)[0]![0]).toBe(1);
  });
});
