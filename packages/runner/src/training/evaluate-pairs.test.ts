import * as tf from '@tensorflow/tfjs-core';
import type { PatchSet, UbcPairs } from '@descbench/datasets';
import { useTfjsBackend, type TfjsNet } from '@descbench/models';
import { describePatches, evaluateFpr95, pairDistances } from './evaluate-pairs';
import { fpr95 } from '@descbench/metrics';

/** A stand-in network: descriptor = (mean, first pixel) of each patch; counts the patches it sees. */
function countingNet(): { net: TfjsNet; seen: () => number } {
  let seen = 0;
  const net = {
    spec: { dim: 2 },
    forward: (x: tf.Tensor4D) => {
      seen += x.shape[0];
      const flat = x.reshape([x.shape[0], -1]);
      return tf.concat([flat.mean(1, true), flat.slice([0, 0], [-1, 1])], 1) as tf.Tensor2D;
    },
  } as unknown as TfjsNet;
  return { net, seen: () => seen };
}

beforeAll(async () => {
  await useTfjsBackend('cpu');
});

describe('held-out FPR@95 describes only the patches its pairs use', () => {
  const count = 6000;
  const size = 4;
  const set: PatchSet = { count, size, data: Uint8Array.from({ length: count * size * size }, (_, i) => (i * 7919) % 251) };
  const n = 400;
  const pairs = {
    patch1: Int32Array.from({ length: 1000 }, (_, i) => (i * 37) % count),
    patch2: Int32Array.from({ length: 1000 }, (_, i) => (i * 53 + 11) % count),
    label: Uint8Array.from({ length: 1000 }, (_, i) => (i % 3 === 0 ? 1 : 0)),
  } as unknown as UbcPairs;

  test('at most two patches per evaluated pair go through the network (was: the whole set)', () => {
    const c = countingNet();
    evaluateFpr95(c.net, set, pairs, { limit: n });
    expect(c.seen()).toBeLessThanOrEqual(2 * n);
  });

  test('same FPR@95 as describing the whole set', () => {
    const all = describePatches(countingNet().net, set);
    const dist = pairDistances(all, 2, pairs, { limit: n });
    const expected = fpr95(dist, pairs.label.subarray(0, n), { convention: 'hardnet' }).fpr;
    expect(evaluateFpr95(countingNet().net, set, pairs, { limit: n })).toBe(expected);
  });
});
