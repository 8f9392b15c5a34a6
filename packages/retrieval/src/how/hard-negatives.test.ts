import { mineHardNegatives } from './hard-negatives';

describe('mineHardNegatives (cirtorch create_epoch_tuples)', () => {
  // 2-d descriptors; pool clusters: 0 0 1 1 2 3
  const pool = Float32Array.from([1, 0, 0.9, 0.1, 0.8, 0.6, 0.95, 0.3, 0, 1, 0.6, 0.8]);
  const poolClusters = [0, 0, 1, 1, 2, 3];

  test("the most similar images, never the query's cluster, at most one per cluster", () => {
    const q = Float32Array.from([1, 0]);
    // scores: 1, .9, .8, .95, 0, .6 -> by rank 0 (own cluster), 3 (cluster 1), 1 (own), 2 (cluster 1 again), 5, 4
    const r = mineHardNegatives(q, [0], pool, poolClusters, 2, 3);
    expect(r.negatives).toEqual([[3, 5, 4]]);
    const d = (i: number): number => Math.hypot(1 - pool[2 * i]!, pool[2 * i + 1]!);
    expect(r.meanDistance).toBeCloseTo((d(3) + d(5) + d(4)) / 3, 6);
  });

  test('fewer negatives when the pool runs out of clusters; ties go to the lower pool index', () => {
    const r = mineHardNegatives(Float32Array.from([0, 1]), [2], Float32Array.from([0, 1, 0, 1, 0, 1]), [0, 1, 2], 2, 5);
    expect(r.negatives).toEqual([[0, 1]]);
  });
});
