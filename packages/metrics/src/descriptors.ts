import { InputError } from '@descbench/core';

/** Row-major descriptor matrix `[rows, dim]`. */
export interface DescriptorMatrix {
  data: Float32Array | Float64Array;
  rows: number;
  dim: number;
}

/** Descriptor distances the HPatches benchmark offers (`L2` = scipy `euclidean`, `L1` = `cityblock`). */
export const DESCRIPTOR_DISTANCES = ['L2', 'L1'] as const;
export type DescriptorDistance = (typeof DESCRIPTOR_DISTANCES)[number];

export function checkDescriptorMatrix(m: DescriptorMatrix, what: string): void {
  if (!Number.isInteger(m.rows) || !Number.isInteger(m.dim) || m.rows < 0 || m.dim <= 0 || m.data.length !== m.rows * m.dim) {
    throw new InputError(`${what}: descriptor data has ${m.data.length} values, expected ${m.rows} x ${m.dim}`);
  }
}

/**
 * Distance between row `i` of `a` and row `j` of `b`, computed in float64. When `roundA` is set,
 * the values of `a` are first rounded to float32 (the retrieval task casts to float32).
 */
export function rowDistance(
  a: DescriptorMatrix,
  i: number,
  b: DescriptorMatrix,
  j: number,
  distance: DescriptorDistance,
  roundA = false,
  roundB = false,
): number {
  const dim = a.dim;
  if (b.dim !== dim) throw new InputError(`descriptor dimensions differ (${a.dim} vs ${b.dim})`);
  const ad = a.data;
  const bd = b.data;
  const ao = i * dim;
  const bo = j * dim;
  let s = 0;
  if (distance === 'L2') {
    for (let k = 0; k < dim; k++) {
      const x = roundA ? Math.fround(ad[ao + k] as number) : (ad[ao + k] as number);
      const y = roundB ? Math.fround(bd[bo + k] as number) : (bd[bo + k] as number);
      const d = x - y;
      s += d * d;
    }
    return Math.sqrt(s);
  }
  if (distance === 'L1') {
    for (let k = 0; k < dim; k++) {
      const x = roundA ? Math.fround(ad[ao + k] as number) : (ad[ao + k] as number);
      const y = roundB ? Math.fround(bd[bo + k] as number) : (bd[bo + k] as number);
      s += Math.abs(x - y);
    }
    return s;
  }
  throw new InputError(`unknown descriptor distance "${String(distance)}"; expected one of ${DESCRIPTOR_DISTANCES.join(', ')}`);
}
