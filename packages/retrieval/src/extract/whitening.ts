import { InputError } from '@descbench/core';
import { symmetricEigen } from './eigen';

/**
 * Learned PCA-whitening (cirtorch `pcawhitenlearn` / `whitenapply`): from descriptors X (D x N,
 * here rows `[N, D]`): m = mean, C = (Xc Xc^T + (Xc Xc^T)^T) / (2N), eigen-decomposition with
 * eigenvalues in descending order, P = diag(eigval^-1/2) eigvec^T; applied as
 * x' = P[:d] (x - m), then x' / (||x'|| + 1e-6). Eigenvector signs are arbitrary (as in numpy),
 * which changes no similarity.
 */
export interface PcaWhitening {
  dim: number;
  mean: Float64Array;
  /** `[D, D]` row-major projection, rows in descending eigenvalue order. */
  projection: Float64Array;
  eigenvalues: Float64Array;
}

export function learnPcaWhitening(rows: Float32Array, count: number, dim: number): PcaWhitening {
  if (count < 2) throw new InputError(`PCA-whitening needs at least 2 descriptors, got ${count}`);
  const D = dim;
  const mean = new Float64Array(D);
  for (let i = 0; i < count; i++) for (let k = 0; k < D; k++) mean[k]! += rows[i * D + k]!;
  for (let k = 0; k < D; k++) mean[k]! /= count;
  const cov = new Float64Array(D * D);
  const xc = new Float64Array(D);
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < D; k++) xc[k] = rows[i * D + k]! - mean[k]!;
    for (let a = 0; a < D; a++) {
      const va = xc[a]!;
      for (let b = a; b < D; b++) cov[a * D + b]! += va * xc[b]!;
    }
  }
  for (let a = 0; a < D; a++) for (let b = a; b < D; b++) cov[b * D + a] = cov[a * D + b] = cov[a * D + b]! / count;
  const { values, vectors } = symmetricEigen(cov, D);
  const order = Array.from({ length: D }, (_, i) => i).sort((a, b) => values[b]! - values[a]!);
  const projection = new Float64Array(D * D);
  const eigenvalues = new Float64Array(D);
  order.forEach((j, r) => {
    eigenvalues[r] = values[j]!;
    if (!(values[j]! > 0)) throw new InputError(`PCA-whitening: the descriptors span fewer than ${D} dimensions (eigenvalue ${values[j]}); learn it on more descriptors or keep fewer dimensions`);
    const s = 1 / Math.sqrt(values[j]!);
    for (let k = 0; k < D; k++) projection[r * D + k] = s * vectors[k * D + j]!;
  });
  return { dim: D, mean, projection, eigenvalues };
}

/** Whiten rows `[N, D]` to `[N, dims]` (default all), L2-normalised with eps 1e-6. */
export function applyWhitening(w: PcaWhitening, rows: Float32Array, count: number, dims = w.dim): Float32Array {
  const D = w.dim;
  if (dims < 1 || dims > D) throw new InputError(`whitening keeps 1..${D} dimensions, asked ${dims}`);
  const out = new Float32Array(count * dims);
  const xc = new Float64Array(D);
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < D; k++) xc[k] = rows[i * D + k]! - w.mean[k]!;
    let n = 0;
    const y = new Float64Array(dims);
    for (let r = 0; r < dims; r++) {
      let s = 0;
      for (let k = 0; k < D; k++) s += w.projection[r * D + k]! * xc[k]!;
      y[r] = s;
      n += s * s;
    }
    n = Math.sqrt(n) + 1e-6;
    for (let r = 0; r < dims; r++) out[i * dims + r] = y[r]! / n;
  }
  return out;
}
