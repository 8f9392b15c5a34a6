import type { PatchSet, UbcPairs } from '@descbench/datasets';
import { fpr95, type Fpr95Convention } from '@descbench/metrics';
import type { PatchDescriptor } from '@descbench/models';
import { pairDistances } from '../training/evaluate-pairs';
import { gatherPatches } from '../training/pair-batch';

/**
 * FPR@95 of any patch descriptor on UBC pairs: describe each patch the pairs use once (in
 * batches, [0, 1] floats), L2 distance per pair, FPR at 95% recall under the named convention.
 */
export async function descriptorFpr95(model: PatchDescriptor, set: PatchSet, pairs: UbcPairs, convention: Fpr95Convention = 'hardnet', batch = 512): Promise<number> {
  const rowOf = new Int32Array(set.count).fill(-1);
  const ids: number[] = [];
  for (const arr of [pairs.patch1, pairs.patch2]) {
    for (const id of arr) {
      if (rowOf[id] === -1) {
        rowOf[id] = ids.length;
        ids.push(id);
      }
    }
  }
  const desc = new Float32Array(ids.length * model.dim);
  for (let from = 0; from < ids.length; from += batch) {
    const to = Math.min(ids.length, from + batch);
    desc.set(await model.describe(gatherPatches(set, ids, from, to), to - from), from * model.dim);
  }
  return fpr95(pairDistances(desc, model.dim, pairs, { rowOf }), pairs.label, { convention }).fpr;
}
