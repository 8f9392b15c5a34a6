import { InputError } from '@descbench/core';

/**
 * Multiple assignment: the `m` nearest visual words (squared L2) of every descriptor, nearest
 * first, ties to the lower word id. ASMK assigns database descriptors to 1 word and query
 * descriptors to 5. Returns `[N, m]` word ids.
 */
export function assignWords(rows: Float32Array, count: number, centroids: Float32Array, k: number, dim: number, m: number): Int32Array {
  if (!Number.isInteger(m) || m < 1 || m > k) throw new InputError(`multiple assignment must be 1..${k} (the codebook size), got ${m}`);
  const D = dim;
  const out = new Int32Array(count * m);
  const bestD = new Float64Array(m);
  const bestW = new Int32Array(m);
  // ||c||^2 once per word; ||x - c||^2 = ||x||^2 - 2 x.c + ||c||^2 and ||x||^2 does not change the order
  const cn = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < D; j++) s += centroids[c * D + j]! * centroids[c * D + j]!;
    cn[c] = s;
  }
  for (let i = 0; i < count; i++) {
    bestD.fill(Infinity);
    bestW.fill(-1);
    const o = i * D;
    for (let c = 0; c < k; c++) {
      let dot = 0;
      const oc = c * D;
      for (let j = 0; j < D; j++) dot += rows[o + j]! * centroids[oc + j]!;
      const d = cn[c]! - 2 * dot;
      if (d >= bestD[m - 1]!) continue;
      let p = m - 1;
      while (p > 0 && bestD[p - 1]! > d) {
        bestD[p] = bestD[p - 1]!;
        bestW[p] = bestW[p - 1]!;
        p--;
      }
      bestD[p] = d;
      bestW[p] = c;
    }
    out.set(bestW, i * m);
  }
  return out;
}
