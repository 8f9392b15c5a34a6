/**
 * cirtorch's hard-negative mining (TuplesDataset.create_epoch_tuples, which HOW trains with):
 * for every query, walk the pool images by descending dot product with the query's global
 * descriptor and keep the first `count` whose cluster is neither the query's nor one already
 * kept (at most one negative per cluster). Ties in score go to the lower pool index, so the
 * result is deterministic.
 *
 * `queries` `[Q, d]` and `pool` `[P, d]` row-major; returns pool indices `[Q][count]` (fewer
 * when the pool has fewer eligible clusters) and the mean L2 distance of the kept negatives
 * (cirtorch's "average negative l2-distance").
 */
export function mineHardNegatives(
  queries: Float32Array,
  queryClusters: ArrayLike<number>,
  pool: Float32Array,
  poolClusters: ArrayLike<number>,
  dim: number,
  count: number,
): { negatives: number[][]; meanDistance: number } {
  const Q = queryClusters.length;
  const P = poolClusters.length;
  let distSum = 0;
  let distN = 0;
  const negatives = Array.from({ length: Q }, (_, q) => {
    const scores = new Float64Array(P);
    for (let p = 0; p < P; p++) {
      let s = 0;
      for (let k = 0; k < dim; k++) s += queries[q * dim + k]! * pool[p * dim + k]!;
      scores[p] = s;
    }
    const order = Array.from({ length: P }, (_, p) => p).sort((a, b) => scores[b]! - scores[a]! || a - b);
    const used = new Set<number>([queryClusters[q]!]);
    const kept: number[] = [];
    for (const p of order) {
      if (kept.length >= count) break;
      if (used.has(poolClusters[p]!)) continue;
      used.add(poolClusters[p]!);
      kept.push(p);
      let d2 = 0;
      for (let k = 0; k < dim; k++) d2 += (queries[q * dim + k]! - pool[p * dim + k]!) ** 2;
      distSum += Math.sqrt(d2);
      distN++;
    }
    return kept;
  });
  return { negatives, meanDistance: distN > 0 ? distSum / distN : 0 };
}
