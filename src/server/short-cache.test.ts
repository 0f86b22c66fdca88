import { describe, expect, it } from 'vitest';
import { ShortCache } from './short-cache.js';

describe('ShortCache', () => {
  it('shares a computation in flight, keeps its answer ttlMs after it arrives, then computes again', async () => {
    let t = 0;
    let calls = 0;
    const cache = new ShortCache<number>(1000, 10, () => t);
    let finish!: (v: number) => void;
    const compute = () => {
      calls++;
      return new Promise<number>((resolve) => {
        finish = resolve;
      });
    };
    const a = cache.get('k', compute);
    t = 5000; // a long computation: still shared, however long it takes
    const b = cache.get('k', compute);
    expect(calls).toBe(1);
    finish(7);
    expect(await a).toBe(7);
    expect(await b).toBe(7);
    t = 5999;
    expect(await cache.get('k', () => Promise.resolve(8))).toBe(7);
    t = 6000;
    expect(await cache.get('k', () => Promise.resolve(8))).toBe(8);
    expect(await cache.get('other', () => Promise.resolve(9))).toBe(9);
  });

  it('does not keep a failure, and holds at most max keys', async () => {
    const cache = new ShortCache<number>(1000, 2, () => 0);
    await expect(cache.get('k', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await cache.get('k', () => Promise.resolve(1))).toBe(1);
    await cache.get('b', () => Promise.resolve(2));
    await cache.get('c', () => Promise.resolve(3));
    // 'k' was the oldest: dropped, so it is computed again.
    expect(await cache.get('k', () => Promise.resolve(4))).toBe(4);
    expect(await cache.get('c', () => Promise.resolve(5))).toBe(3);
  });
});
