import { InputError } from '@descbench/core';
import { assignWords } from './assign';
import { packedWords, packSigns } from './binary';
import { binarySimilarity } from './binary';
import { selectiveKernel, type SelectiveKernel } from './selective-kernel';

/** A codebook: `[k, D]` centroids. */
export interface Codebook {
  centroids: Float32Array;
  k: number;
  dim: number;
}

/**
 * One image as ASMK stores it: for every visual word the image's descriptors fall in, the sum of
 * their residuals (x - q(x)), L2-normalised and binarised (packed signs); plus the image-level
 * normalisation gamma(X) = (sum_c sigma(phi(X_c)^T phi(X_c)))^(-1/2).
 */
export interface AggregatedImage {
  /** Word ids, ascending. */
  words: Int32Array;
  /** `[words, packedWords(D)]` packed signs. */
  signs: Uint32Array;
  gamma: number;
}

/**
 * Aggregate one image's descriptors `[n, D]` with `multipleAssignment` words per descriptor
 * (1 for the database, 5 for queries). The L2 normalisation before binarising changes no sign;
 * it is kept implicit.
 */
export function aggregateImage(rows: Float32Array, n: number, cb: Codebook, multipleAssignment: number, kernel: SelectiveKernel): AggregatedImage {
  const D = cb.dim;
  if (rows.length !== n * D) throw new InputError(`ASMK: ${rows.length} values are not ${n} local descriptors of dimension ${D}`);
  const assigned = assignWords(rows, n, cb.centroids, cb.k, D, multipleAssignment);
  const sums = new Map<number, Float64Array>();
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < multipleAssignment; a++) {
      const w = assigned[i * multipleAssignment + a]!;
      let s = sums.get(w);
      if (s === undefined) sums.set(w, (s = new Float64Array(D)));
      for (let j = 0; j < D; j++) s[j]! += rows[i * D + j]! - cb.centroids[w * D + j]!;
    }
  }
  const words = Int32Array.from([...sums.keys()].sort((a, b) => a - b));
  const W = packedWords(D);
  const signs = new Uint32Array(words.length * W);
  words.forEach((w, r) => packSigns(sums.get(w)!, 0, D, signs, r * W));
  let self = 0;
  for (let r = 0; r < words.length; r++) self += selectiveKernel(binarySimilarity(signs, r * W, signs, r * W, D), kernel);
  return { words, signs, gamma: self > 0 ? 1 / Math.sqrt(self) : 0 };
}
