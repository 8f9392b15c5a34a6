import type { SeededRng } from '@descbench/core';

/** A direction drawn uniformly on the unit sphere of R^d (normalised Gaussian), from `rng`. */
export function randomUnitVector(rng: SeededRng, d: number): Float64Array {
  const v = new Float64Array(d);
  let n = 0;
  for (let i = 0; i < d; i++) {
    v[i] = rng.normal();
    n += v[i]! * v[i]!;
  }
  n = Math.sqrt(n);
  for (let i = 0; i < d; i++) v[i]! /= n;
  return v;
}
