import { InputError } from '@descbench/core';
import { apFromPositions } from '@descbench/metrics';
import type { FeatureRows } from '@descbench/retrieval';

/**
 * Retrieval within one split of rSfM120k-style data (CSA's validation protocol in supp. Fig. 1):
 * each query image searches every other image of the split by descriptor dot product; the
 * positives are the other images of its cluster (3D model); AP as revisitop computes it, no junk.
 */

/** Per query, every other image of the split, best first (ties: lower index first). */
export function rankWithinSplit(features: FeatureRows, queries: readonly number[]): Int32Array[] {
  const { count, dim, data } = features;
  return queries.map((q) => {
    if (!Number.isInteger(q) || q < 0 || q >= count) throw new InputError(`query index ${q} is outside the split (${count} images)`, { at: 'qidxs' });
    const sims = new Float64Array(count);
    for (let j = 0; j < count; j++) {
      let s = 0;
      for (let k = 0; k < dim; k++) s += (data[q * dim + k] as number) * (data[j * dim + k] as number);
      sims[j] = s;
    }
    const others = Array.from({ length: count }, (_, j) => j).filter((j) => j !== q);
    return Int32Array.from(others.sort((a, b) => (sims[b] as number) - (sims[a] as number) || a - b));
  });
}

/** Mean AP (in %) over the queries that have a positive; positives = same cluster, the query excluded. */
export function splitMap(rankings: readonly ArrayLike<number>[], queries: readonly number[], clusters: ArrayLike<number>): { map: number; evaluated: number } {
  let sum = 0;
  let evaluated = 0;
  queries.forEach((q, i) => {
    const c = clusters[q];
    const r = rankings[i]!;
    const pos: number[] = [];
    let npos = 0;
    for (let j = 0; j < clusters.length; j++) if (j !== q && clusters[j] === c) npos++;
    if (npos === 0) return;
    for (let p = 0; p < r.length; p++) if (clusters[r[p] as number] === c) pos.push(p);
    sum += apFromPositions(pos, npos);
    evaluated++;
  });
  if (evaluated === 0) throw new InputError('no query of the split has a positive (a cluster with two or more images)');
  return { map: (100 * sum) / evaluated, evaluated };
}

/** Rows `idx` of a feature matrix as their own matrix. */
export function pickRows(f: FeatureRows, idx: readonly number[]): FeatureRows {
  const data = new Float32Array(idx.length * f.dim);
  idx.forEach((i, r) => data.set(f.data.subarray(i * f.dim, (i + 1) * f.dim), r * f.dim));
  return { data, count: idx.length, dim: f.dim };
}
