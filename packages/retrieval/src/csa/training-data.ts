import { InputError } from '@descbench/core';
import type { FeatureRows } from './features';

/**
 * CSA's training samples (`RerankDataset_TopKSIM`): for every training image, its top-N images
 * by descriptor dot product, in torch.topk order (the image itself first unless a duplicate
 * ties it), and per neighbour whether it lies in the same cluster (3D model) as neighbour 0.
 */
export interface CsaTrainingSet {
  features: FeatureRows;
  /** `[count x n]` row-major neighbour indices. */
  neighbours: Int32Array;
  /** `[count x n]` 1 where the neighbour shares neighbour 0's cluster. */
  positives: Uint8Array;
  n: number;
  count: number;
}

/** Top-`n` neighbours of every image (exact; descending dot product, ties by lower index). */
export function csaTrainingSet(features: FeatureRows, clusters: ArrayLike<number>, n: number): CsaTrainingSet {
  const { count, dim, data } = features;
  if (clusters.length !== count) throw new InputError(`csa training: ${clusters.length} cluster ids for ${count} images`, { at: 'cluster' });
  if (!Number.isInteger(n) || n < 2 || n > count) throw new InputError(`csa training: ${n} neighbours per image needs between 2 and ${count} (the image count)`, { at: 'neighbours' });
  const neighbours = new Int32Array(count * n);
  const positives = new Uint8Array(count * n);
  const sims = new Float64Array(count);
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const io = i * dim;
    for (let j = 0; j < count; j++) {
      let s = 0;
      const jo = j * dim;
      for (let k = 0; k < dim; k++) s += (data[io + k] as number) * (data[jo + k] as number);
      if (Number.isNaN(s)) throw new InputError(`csa training: descriptor ${Number.isNaN(data[io] as number) ? i : j} holds NaN`, { at: `row ${i}` });
      sims[j] = s;
      order[j] = j;
    }
    const top = Array.from(order).sort((a, b) => (sims[b] as number) - (sims[a] as number) || a - b);
    const c0 = clusters[top[0] as number];
    for (let r = 0; r < n; r++) {
      neighbours[i * n + r] = top[r] as number;
      positives[i * n + r] = clusters[top[r] as number] === c0 ? 1 : 0;
    }
  }
  return { features, neighbours, positives, n, count };
}
