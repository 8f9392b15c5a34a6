import { xoroshiro128plus, unsafeUniformIntDistribution, type RandomGenerator } from 'pure-rand';

/**
 * Seeded random numbers. One generator (xoroshiro128+, from pure-rand) so that the same seed
 * gives the same numbers on every machine and backend.
 */
export class SeededRng {
  private readonly gen: RandomGenerator;

  constructor(readonly seed: number) {
    if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
    this.gen = xoroshiro128plus(seed);
  }

  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return unsafeUniformIntDistribution(min, max, this.gen);
  }

  /** Uniform float in [0, 1) with 53 random bits. */
  float(): number {
    const hi = this.int(0, (1 << 26) - 1);
    const lo = this.int(0, (1 << 27) - 1);
    return (hi * 134217728 + lo) / 9007199254740992;
  }

  /** Standard normal sample (Box-Muller; one of the pair is discarded to keep the stream simple). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.float();
    const v = this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Fisher-Yates shuffle in place; returns the same array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const t = items[i] as T;
      items[i] = items[j] as T;
      items[j] = t;
    }
    return items;
  }

  /** A child generator whose stream depends only on this seed and `stream`, not on draws so far. */
  fork(stream: number): SeededRng {
    return new SeededRng(((this.seed * 0x9e3779b1) ^ (stream * 0x85ebca6b)) | 0);
  }
}
