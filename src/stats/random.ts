/**
 * A small seeded pseudo-random generator, xoshiro128** (Blackman & Vigna 2018), so that resampling is reproducible for a seed and fast (32-bit integer arithmetic only).
 */
import { checkInteger } from './validate.js';

/** A seeded source of pseudo-random numbers. */
export interface Rng {
  /** A uniform integer in [0, 2^32). */
  nextUint32(): number;
  /** A uniform float in [0, 1) with 32 bits of randomness. */
  next(): number;
  /** A uniform integer in [0, n), 1 <= n <= 2^32 (bias below n / 2^32). */
  nextInt(n: number): number;
  /** Fills `target` with uniform integers in [0, n): the same numbers as target.length calls of nextInt(n), faster. */
  fillInt(target: Uint32Array, n: number): void;
}

/** The seed used when a caller gives none: results are reproducible by default. */
export const DEFAULT_SEED = 20240601;

const TWO_32 = 4294967296;

class Xoshiro128 implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, state?: [number, number, number, number]) {
    // A splitmix-style generator (golden-ratio increment, murmur3 finalizer) expands the 32-bit seed.
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    if (state) [this.a, this.b, this.c, this.d] = state.map((v) => v | 0) as [number, number, number, number];
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  nextUint32(): number {
    const b = this.b;
    const r = Math.imul(b, 5);
    const rot = (r << 7) | (r >>> 25);
    const result = Math.imul(rot, 9) >>> 0;
    const t = b << 9;
    this.c ^= this.a;
    this.d ^= b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = (this.d << 11) | (this.d >>> 21);
    return result;
  }

  next(): number {
    return this.nextUint32() / TWO_32;
  }

  nextInt(n: number): number {
    return (this.nextUint32() * (n / TWO_32)) >>> 0;
  }

  fillInt(target: Uint32Array, n: number): void {
    // nextUint32 inlined with the state in locals, for the resampling loops.
    let { a, b, c, d } = this;
    const scale = n / TWO_32;
    for (let i = 0; i < target.length; i++) {
      const r = Math.imul(b, 5);
      const result = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
      const t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = (d << 11) | (d >>> 21);
      target[i] = (result * scale) >>> 0;
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
  }
}

/**
 * A seeded xoshiro128** generator; the same seed gives the same sequence on every platform. Seeds are
 * integers taken modulo 2^32.
 *
 * @example
 * const rng = createRng(42);
 * rng.next(); // a float in [0, 1), the same every time for seed 42
 * rng.nextInt(6); // 0..5
 */
export function createRng(seed: number = DEFAULT_SEED): Rng {
  checkInteger('createRng', 'seed', seed, Number.MIN_SAFE_INTEGER);
  return new Xoshiro128(seed);
}

/** Internal: a generator started from a raw xoshiro128** state, for checking against reference vectors. */
export function rngFromState(state: [number, number, number, number]): Rng {
  return new Xoshiro128(0, state);
}
