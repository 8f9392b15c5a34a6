import * as tf from '@tensorflow/tfjs-core';
import { createProgress } from '@descbench/core';
import type { UbcPairs, PatchSet } from '@descbench/datasets';
import { fpr95, rowDistance, type Fpr95Convention } from '@descbench/metrics';
import type { TfjsNet } from '@descbench/models';
import { gatherPatches, patchRange } from './pair-batch';

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

/**
 * L2 distance of each UBC pair `[N]` from descriptors `[rows, dim]`; `rowOf` maps a patch id to
 * its descriptor row when only the patches the pairs use were described (default: row = id).
 */
export function pairDistances(desc: Float32Array, dim: number, pairs: UbcPairs, o: { limit?: number; rowOf?: Int32Array } = {}): Float64Array {
  const m = { data: desc, rows: desc.length / dim, dim };
  const row = (id: number): number => (o.rowOf !== undefined ? (o.rowOf[id] as number) : id);
  const out = new Float64Array(Math.min(o.limit ?? Infinity, pairs.label.length));
  for (let i = 0; i < out.length; i++) out[i] = rowDistance(m, row(pairs.patch1[i] as number), m, row(pairs.patch2[i] as number), 'L2');
  return out;
}

/** Descriptors `[ids.length, dim]` of the patches `ids` of a set (eval mode), with progress when there are many. */
export function describePatchIds(net: TfjsNet, set: PatchSet, ids: Int32Array, batch = 256): Float32Array {
  const dim = net.spec.dim;
  const out = new Float32Array(ids.length * dim);
  const progress = ids.length >= PROGRESS_FROM ? createProgress(`held-out FPR@95: describe ${ids.length} patches`, ids.length) : undefined;
  for (let from = 0; from < ids.length; from += batch) {
    const to = Math.min(ids.length, from + batch);
    const d = tf.tidy(() => net.forward(tf.tensor4d(gatherPatches(set, ids, from, to), [to - from, set.size, set.size, 1])));
    out.set(d.dataSync() as Float32Array, from * dim);
    d.dispose();
    progress?.tick(to - from);
  }
  progress?.done();
  return out;
}

/** Describing fewer patches than this takes a few seconds at most: no progress bar. */
const PROGRESS_FROM = 4096;

/**
 * FPR@95 on the first `limit` pairs (default all). Only the patches those pairs use are described:
 * a `tiny` run evaluates 500 pairs of a subset of tens of thousands of patches.
 */
export function evaluateFpr95(net: TfjsNet, set: PatchSet, pairs: UbcPairs, o: { limit?: number; convention?: Fpr95Convention } = {}): number {
  const n = Math.min(o.limit ?? Infinity, pairs.label.length);
  const rowOf = new Int32Array(set.count).fill(-1);
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    for (const id of [pairs.patch1[i] as number, pairs.patch2[i] as number]) {
      if (rowOf[id] === -1) {
        rowOf[id] = ids.length;
        ids.push(id);
      }
    }
  }
  const desc = describePatchIds(net, set, Int32Array.from(ids));
  const dist = pairDistances(desc, net.spec.dim, pairs, { limit: n, rowOf });
  return fpr95(dist, pairs.label.subarray(0, n), { convention: o.convention ?? 'hardnet' }).fpr;
}
