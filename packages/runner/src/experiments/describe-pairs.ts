import type { PatchSet, UbcPairs } from '@descbench/datasets';
import { fpr95, type Fpr95Convention } from '@descbench/metrics';
import type { PatchDescriptor } from '@descbench/models';

/**
 * FPR@95 of any patch descriptor on UBC pairs: describe each patch the pairs use once (in
 * batches, [0, 1] floats), L2 distance per pair, FPR at 95% recall under the named convention.
 */
export async function descriptorFpr95(model: PatchDescriptor, set: PatchSet, pairs: UbcPairs, convention: Fpr95Convention = 'hardnet', batch = 512): Promise<number> {
  const used = new Int32Array(set.count).fill(-1);
  const ids: number[] = [];
  for (const arr of [pairs.patch1, pairs.patch2]) {
    for (const id of arr) {
      if (used[id] === -1) {
        used[id] = ids.length;
        ids.push(id);
      }
    }
  }
  const n = set.size * set.size;
  const desc = new Float32Array(ids.length * model.dim);
  for (let from = 0; from < ids.length; from += batch) {
    const to = Math.min(ids.length, from + batch);
    const x = new Float32Array((to - from) * n);
    for (let i = from; i < to; i++) {
      const src = set.data.subarray((ids[i] as number) * n, ((ids[i] as number) + 1) * n);
      for (let j = 0; j < n; j++) x[(i - from) * n + j] = (src[j] as number) / 255;
    }
    desc.set(await model.describe(x, to - from), from * model.dim);
  }
  const dist = new Float64Array(pairs.label.length);
  for (let i = 0; i < dist.length; i++) {
    const a = (used[pairs.patch1[i] as number] as number) * model.dim;
    const b = (used[pairs.patch2[i] as number] as number) * model.dim;
    let s = 0;
    for (let k = 0; k < model.dim; k++) {
      const d = (desc[a + k] as number) - (desc[b + k] as number);
      s += d * d;
    }
    dist[i] = Math.sqrt(s);
  }
  return fpr95(dist, pairs.label, { convention }).fpr;
}
