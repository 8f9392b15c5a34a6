import { InputError } from '@descbench/core';

/** Global descriptors, one per row: `data` is row-major `[count, dim]` float32 (L2-normalised for cosine scores). */
export interface FeatureRows {
  data: Float32Array;
  count: number;
  dim: number;
}

/** Wrap and check a row-major buffer. */
export function featureRows(data: Float32Array, count: number, dim: number, what = 'features'): FeatureRows {
  if (data.length !== count * dim) throw new InputError(`${what}: ${data.length} numbers do not make ${count} x ${dim}`, { at: what });
  return { data, count, dim };
}

/** Dot product of row `i` of `a` and row `j` of `b`. */
export function rowDot(a: FeatureRows, i: number, b: FeatureRows, j: number): number {
  const d = a.dim;
  let s = 0;
  const ao = i * d;
  const bo = j * d;
  for (let k = 0; k < d; k++) s += (a.data[ao + k] as number) * (b.data[bo + k] as number);
  return s;
}
