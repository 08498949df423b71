/**
 * A small, fast, seedable pseudo-random generator (xoshiro128**, seeded
 * through splitmix32) and a 64-bit-to-32-bit mixer for per-source seeds.
 * Everything in the synthetic catalogue and its products draws from it, so
 * the same seed always gives the same bytes.
 *
 * @module
 */

/** Mixes a 32-bit state into a well-spread 32-bit value (splitmix32 finaliser). */
export function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * Derives a 32-bit seed from a 64-bit id (e.g. a `source_id`) and a stream
 * label, so that each product of each source has its own random stream.
 *
 * @example
 * ```ts
 * import { seedFromId } from "./prng.ts";
 * if (seedFromId(42n, 1) !== seedFromId(42n, 1)) throw new Error("not deterministic");
 * if (seedFromId(42n, 1) === seedFromId(42n, 2)) throw new Error("streams collide");
 * ```
 */
export function seedFromId(id: bigint, stream = 0): number {
  const lo = Number(BigInt.asUintN(32, id));
  const hi = Number(BigInt.asUintN(32, id >> 32n));
  return mix32(mix32(mix32(lo) ^ hi) ^ Math.imul(stream + 1, 0x27d4eb2d));
}

/**
 * xoshiro128** generator: four 32-bit words of state, period 2^128 - 1.
 *
 * @example Same seed, same sequence
 * ```ts
 * import { Rng } from "./prng.ts";
 * const a = new Rng(7), b = new Rng(7);
 * if (a.next() !== b.next()) throw new Error("not deterministic");
 * const u = a.uniform();
 * if (!(u >= 0 && u < 1)) throw new Error("out of range");
 * ```
 */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  #spare = NaN;

  /** Seeds the state from up to two 32-bit integers. */
  constructor(seed: number, stream = 0) {
    let s = mix32(seed >>> 0) ^ mix32((stream >>> 0) + 0x632be59b);
    this.#a = s = mix32(s);
    this.#b = s = mix32(s);
    this.#c = s = mix32(s);
    this.#d = mix32(s) | 1;
  }

  /** The next raw 32-bit unsigned integer. */
  next(): number {
    const r = Math.imul(rotl(Math.imul(this.#b, 5), 7), 9) >>> 0;
    const t = this.#b << 9;
    this.#c ^= this.#a;
    this.#d ^= this.#b;
    this.#b ^= this.#c;
    this.#a ^= this.#d;
    this.#c ^= t;
    this.#d = rotl(this.#d, 11);
    return r;
  }

  /** A uniform double in [0, 1) with 32 bits of randomness. */
  uniform(): number {
    return this.next() / 4294967296;
  }

  /** A uniform double in [lo, hi). */
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** A standard normal deviate (Box-Muller, pairs cached). */
  gauss(): number {
    const s = this.#spare;
    if (s === s) {
      this.#spare = NaN;
      return s;
    }
    let u = this.uniform();
    if (u < 1e-300) u = 1e-300;
    const r = Math.sqrt(-2 * Math.log(u));
    const th = 2 * Math.PI * this.uniform();
    this.#spare = r * Math.sin(th);
    return r * Math.cos(th);
  }

  /** A normal deviate with the given mean and standard deviation. */
  normal(mean: number, sigma: number): number {
    return mean + sigma * this.gauss();
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
