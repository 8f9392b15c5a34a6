import { SeededRng } from '@descbench/core';

/** Uniform [-1, 1) floats of a shape, from a seed (test inputs). */
export function seededUniform(shape: number[], seed: number): Float32Array {
  const r = new SeededRng(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 2 * r.float() - 1);
}

/** max_i |a_i - b_i| / max(|b|_inf, 1e-12): the error relative to the reference's scale. */
export function relativeError(got: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (got.length !== ref.length) throw new Error(`length ${got.length} != ${ref.length}`);
  let scale = 1e-12;
  for (let i = 0; i < ref.length; i++) scale = Math.max(scale, Math.abs(ref[i]!));
  let err = 0;
  for (let i = 0; i < ref.length; i++) err = Math.max(err, Math.abs(got[i]! - ref[i]!));
  return err / scale;
}
