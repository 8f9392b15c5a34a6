import * as tf from '@tensorflow/tfjs-core';
import type { UbcPairs, PatchSet } from '@descbench/datasets';
import { fpr95, type Fpr95Convention } from '@descbench/metrics';
import type { TfjsNet } from '@descbench/models';
import { patchRange } from './pair-batch';

/**
 * FPR@95 of a network (eval mode: BatchNorm running statistics, no dropout) on UBC pairs:
 * describe every patch the pairs use, L2 distance per pair, FPR at 95% recall.
 */
export function describePatches(net: TfjsNet, set: PatchSet, batch = 256): Float32Array {
  const dim = net.spec.dim;
  const out = new Float32Array(set.count * dim);
  for (let from = 0; from < set.count; from += batch) {
    const to = Math.min(set.count, from + batch);
    const d = tf.tidy(() => net.forward(tf.tensor4d(patchRange(set, from, to), [to - from, set.size, set.size, 1])));
    out.set(d.dataSync() as Float32Array, from * dim);
    d.dispose();
  }
  return out;
}

export function pairDistances(desc: Float32Array, dim: number, pairs: UbcPairs, limit = pairs.label.length): Float64Array {
  const n = Math.min(limit, pairs.label.length);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = (pairs.patch1[i] as number) * dim;
    const b = (pairs.patch2[i] as number) * dim;
    let s = 0;
    for (let k = 0; k < dim; k++) {
      const d = (desc[a + k] as number) - (desc[b + k] as number);
      s += d * d;
    }
    out[i] = Math.sqrt(s);
  }
  return out;
}

export function evaluateFpr95(net: TfjsNet, set: PatchSet, pairs: UbcPairs, o: { limit?: number; convention?: Fpr95Convention } = {}): number {
  const desc = describePatches(net, set);
  const dist = pairDistances(desc, net.spec.dim, pairs, o.limit);
  return fpr95(dist, pairs.label.subarray(0, dist.length), { convention: o.convention ?? 'hardnet' }).fpr;
}
