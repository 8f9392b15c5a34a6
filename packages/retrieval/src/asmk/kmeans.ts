import { InputError, SeededRng } from '@descbench/core';

/**
 * Seeded k-means (k-means++ seeding, then Lloyd iterations) over rows `[N, D]` in typed arrays:
 * the ASMK codebook. Hand-written because the maintained npm option (ml-kmeans 7) is ESM-only
 * (this project is CommonJS under jest) and works on `number[][]`; measured here about 100x slower
 * than typed arrays on 3,000 x 32 rows with 64 words. Deterministic: same rows and seed, same
 * codebook (ties go to the lower word id; an empty word is re-seeded with the point farthest
 * from its centroid, lowest index first).
 */
export interface KmeansOptions {
  seed: number;
  /** Lloyd iterations at most (default 20; stops earlier when no assignment changes). */
  iterations?: number;
}

export interface KmeansResult {
  /** `[k, D]` row-major centroids. */
  centroids: Float32Array;
  k: number;
  dim: number;
  iterations: number;
  /** Sum of squared distances of the rows to their centroids after the last assignment. */
  inertia: number;
}

/** Squared L2 distance of row `i` of `a` to row `j` of `b`, both `[*, D]`. */
function sqDist(a: Float32Array, i: number, b: Float32Array, j: number, D: number): number {
  let s = 0;
  const oa = i * D;
  const ob = j * D;
  for (let k = 0; k < D; k++) {
    const t = a[oa + k]! - b[ob + k]!;
    s += t * t;
  }
  return s;
}

export function kmeans(rows: Float32Array, count: number, dim: number, k: number, o: KmeansOptions): KmeansResult {
  if (!Number.isInteger(k) || k < 1) throw new InputError(`k-means: the codebook size must be a positive integer, got ${k}`);
  if (count < k) throw new InputError(`k-means: ${count} descriptors cannot make ${k} words; train on more descriptors or use a smaller codebook`);
  if (rows.length !== count * dim) throw new InputError(`k-means: ${rows.length} values are not ${count} x ${dim}`);
  const rng = new SeededRng(o.seed);
  const D = dim;
  const centroids = new Float32Array(k * D);
  // k-means++: first centre uniform, then each with probability proportional to D(x)^2
  const minD = new Float64Array(count).fill(Infinity);
  let c0 = rng.int(0, count - 1);
  for (let c = 0; c < k; c++) {
    centroids.set(rows.subarray(c0 * D, c0 * D + D), c * D);
    let total = 0;
    for (let i = 0; i < count; i++) {
      const d = sqDist(rows, i, centroids, c, D);
      if (d < minD[i]!) minD[i] = d;
      total += minD[i]!;
    }
    if (c + 1 === k) break;
    if (total === 0) {
      c0 = rng.int(0, count - 1);
      continue;
    }
    let r = rng.float() * total;
    c0 = count - 1;
    for (let i = 0; i < count; i++) {
      r -= minD[i]!;
      if (r < 0) {
        c0 = i;
        break;
      }
    }
  }
  const assign = new Int32Array(count).fill(-1);
  const dist = new Float64Array(count);
  const sums = new Float64Array(k * D);
  const sizes = new Int32Array(k);
  const maxIter = o.iterations ?? 20;
  let it = 0;
  let inertia = 0;
  for (;;) {
    let changed = 0;
    inertia = 0;
    for (let i = 0; i < count; i++) {
      let best = 0;
      let bd = Infinity;
      for (let c = 0; c < k; c++) {
        const d = sqDist(rows, i, centroids, c, D);
        if (d < bd) {
          bd = d;
          best = c;
        }
      }
      if (assign[i] !== best) changed++;
      assign[i] = best;
      dist[i] = bd;
      inertia += bd;
    }
    if (changed === 0 || it >= maxIter) break;
    it++;
    sums.fill(0);
    sizes.fill(0);
    for (let i = 0; i < count; i++) {
      const c = assign[i]!;
      sizes[c]!++;
      for (let j = 0; j < D; j++) sums[c * D + j]! += rows[i * D + j]!;
    }
    for (let c = 0; c < k; c++) {
      if (sizes[c] === 0) {
        // re-seed an empty word with the worst-fitted point, which then leaves its old word
        let far = 0;
        for (let i = 1; i < count; i++) if (dist[i]! > dist[far]!) far = i;
        centroids.set(rows.subarray(far * D, far * D + D), c * D);
        dist[far] = 0;
        continue;
      }
      for (let j = 0; j < D; j++) centroids[c * D + j] = sums[c * D + j]! / sizes[c]!;
    }
  }
  return { centroids, k, dim, iterations: it, inertia };
}
