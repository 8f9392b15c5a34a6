import { SeededRng } from '@descbench/core';
import { PointPairSampler, type PatchSet } from '@descbench/datasets';
import type { PatchDescriptor } from '@descbench/models';
import { gatherPatches } from '../training/pair-batch';

/**
 * The angle theta = arccos(u.v) between L2-normalised descriptors of positive pairs and of their
 * hardest in-batch negatives, sampled as HyNet Fig. 2(a) states: batches of `batchSize`
 * anchor-positive pairs (distinct 3D points, HardNet's batch layout), HardNet's mining (for anchor
 * i the nearest positive j != i), and from each batch `triplets` random pairs, each giving one
 * positive and one negative theta.
 */
export interface ThetaSamplingOptions {
  batches: number;
  batchSize: number;
  triplets: number;
  seed: number;
}

export interface ThetaSample {
  positives: Float64Array;
  negatives: Float64Array;
  batches: number;
  batchSize: number;
  triplets: number;
}

function angle(a: Float32Array, i: number, b: Float32Array, j: number, dim: number): number {
  let s = 0;
  for (let k = 0; k < dim; k++) s += (a[i * dim + k] as number) * (b[j * dim + k] as number);
  return Math.acos(Math.max(-1, Math.min(1, s)));
}

export async function sampleThetas(model: PatchDescriptor, set: PatchSet, pointIds: Int32Array, o: ThetaSamplingOptions): Promise<ThetaSample> {
  if (o.triplets > o.batchSize) throw new RangeError(`${o.triplets} triplets cannot be drawn from a batch of ${o.batchSize} pairs`);
  const sampler = new PointPairSampler(pointIds, o.batchSize, o.seed);
  const rng = new SeededRng(o.seed).fork(17);
  const pos = new Float64Array(o.batches * o.triplets);
  const neg = new Float64Array(o.batches * o.triplets);
  const dim = model.dim;
  for (let b = 0; b < o.batches; b++) {
    const batch = sampler.next();
    const n = batch.anchors.length;
    const da = await model.describe(gatherPatches(set, batch.anchors, 0, n), n);
    const dp = await model.describe(gatherPatches(set, batch.positives, 0, n), n);
    const picked = rng.shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, o.triplets);
    picked.forEach((i, t) => {
      pos[b * o.triplets + t] = angle(da, i, dp, i, dim);
      let best = Infinity;
      for (let j = 0; j < n; j++) if (j !== i) best = Math.min(best, angle(da, i, dp, j, dim));
      neg[b * o.triplets + t] = best;
    });
  }
  return { positives: pos, negatives: neg, batches: o.batches, batchSize: o.batchSize, triplets: o.triplets };
}

/** Counts of `values` in `bins` equal bins over [0, pi]; `edges` has bins + 1 entries. */
export function thetaHistogram(values: ArrayLike<number>, bins = 90): { edges: number[]; counts: number[] } {
  const edges = Array.from({ length: bins + 1 }, (_, i) => (Math.PI * i) / bins);
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const k = Math.min(bins - 1, Math.floor(((values[i] as number) / Math.PI) * bins));
    counts[k] = (counts[k] as number) + 1;
  }
  return { edges, counts };
}

/** Share (%) of the values in [0, pi/2]. */
export function shareBelowRightAngle(values: ArrayLike<number>): number {
  let c = 0;
  for (let i = 0; i < values.length; i++) if ((values[i] as number) <= Math.PI / 2) c++;
  return values.length === 0 ? NaN : (100 * c) / values.length;
}
