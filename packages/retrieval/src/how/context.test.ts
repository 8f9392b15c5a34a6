/** @jest-environment ./packages/models/test/node-realm-environment.js */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { SeededRng } from '@descbench/core';
import { useTfjsBackend } from '@descbench/models';
import { gcnWeights, graphRefinement, initGcnParams, type GcnParams } from './graph-refinement';
import { averageSmoothing, learnableSmoothing, smoothingKernel } from './learnable-smoothing';

interface Flat {
  shape: number[];
  data: number[];
}
interface SmoothingCase {
  name: string;
  size: number;
  x: Flat;
  rho: number;
  theta: number;
  kernel: number[];
  y: number[];
  r: number[];
  grad_rho: number;
  grad_theta: number;
}
const fixture = JSON.parse(readFileSync(join(__dirname, '__fixtures__', 'context-fixture.json'), 'utf8')) as {
  smoothing: SmoothingCase[];
  gcn: { x: Flat; params: Record<keyof GcnParams, Flat>; out: number[]; weights: number[]; r: number[]; grads: Record<keyof GcnParams, number[]> };
};

const TOL = 1e-5;
/** Largest |a - b| / (1 + |b|). */
function worst(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let w = 0;
  for (let i = 0; i < b.length; i++) w = Math.max(w, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)));
  return w;
}

beforeAll(async () => {
  await useTfjsBackend('cpu');
});

describe.each(fixture.smoothing.map((c) => [c.name, c] as const))('learnable smoothing vs PyTorch: %s', (_n, c) => {
  test('kernel, output and parameter gradients within 1e-5', () => {
    const x = tf.tensor4d(c.x.data, c.x.shape as [number, number, number, number]);
    const r = tf.tensor4d(c.r, c.x.shape as [number, number, number, number]);
    const rho = tf.scalar(c.rho);
    const theta = tf.scalar(c.theta);
    expect(worst(smoothingKernel(c.size, { logBandwidth: rho, confidenceLogit: theta }).dataSync(), c.kernel)).toBeLessThan(TOL);
    expect(worst(learnableSmoothing(x, c.size, { logBandwidth: rho, confidenceLogit: theta }).dataSync(), c.y)).toBeLessThan(TOL);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(learnableSmoothing(x, c.size, { logBandwidth: a as tf.Scalar, confidenceLogit: b as tf.Scalar }), r)));
    const [gr, gt] = g([rho, theta]);
    expect(worst(gr!.dataSync(), [c.grad_rho])).toBeLessThan(TOL);
    expect(worst(gt!.dataSync(), [c.grad_theta])).toBeLessThan(TOL);
  });
});

describe('learnable smoothing limits', () => {
  const rng = new SeededRng(3);
  const values = Float32Array.from({ length: 2 * 5 * 6 * 3 }, () => rng.normal());
  let x: tf.Tensor4D;
  beforeAll(() => {
    x = tf.tensor4d(values, [2, 5, 6, 3]);
  });
  test.each([3, 5, 7])('bandwidth -> 0 with self-confidence 1 is the identity (size %i)', (size) => {
    const y = learnableSmoothing(x, size, { logBandwidth: tf.scalar(-10), confidenceLogit: tf.scalar(40) });
    expect(worst(y.dataSync(), x.dataSync())).toBeLessThan(1e-7);
  });
  test.each([3, 5, 7])('a flat kernel (bandwidth -> inf, self-confidence 1) is average pooling (size %i)', (size) => {
    const y = learnableSmoothing(x, size, { logBandwidth: tf.scalar(20), confidenceLogit: tf.scalar(40) });
    const avg = averageSmoothing(x, size).dataSync();
    expect(worst(y.dataSync(), avg)).toBeLessThan(1e-6);
    // average pooling by hand at a corner (count_include_pad=False): mean of the in-map neighbours
    const xs = x.arraySync();
    const r = (size - 1) / 2;
    let s = 0;
    let n = 0;
    for (let i = 0; i <= r && i < 5; i++)
      for (let j = 0; j <= r && j < 6; j++) {
        s += xs[1]![i]![j]![2]!;
        n++;
      }
    expect(avg[(1 * 30 + 0) * 3 + 2]).toBeCloseTo(s / n, 5);
  });
  test('self-confidence below 1 lowers the weight of the centre', () => {
    const k = smoothingKernel(3, { logBandwidth: tf.scalar(0), confidenceLogit: tf.scalar(-2) }).dataSync();
    expect(k[4]).toBeLessThan(k[1]!);
    expect(() => smoothingKernel(4, { logBandwidth: tf.scalar(0), confidenceLogit: tf.scalar(0) })).toThrow(/odd/);
  });
});

describe('graph refinement (GCN) vs PyTorch', () => {
  const f = fixture.gcn;
  let p: GcnParams;
  let x: tf.Tensor2D;
  beforeAll(() => {
    p = Object.fromEntries(Object.entries(f.params).map(([k, v]) => [k, tf.tensor(v.data, v.shape)])) as unknown as GcnParams;
    x = tf.tensor2d(f.x.data, f.x.shape as [number, number]);
  });
  test('weights, output and parameter gradients within 1e-5', () => {
    expect(worst(gcnWeights(x, p).dataSync(), f.weights)).toBeLessThan(TOL);
    expect(worst(graphRefinement(x, p).dataSync(), f.out)).toBeLessThan(TOL);
    const keys = Object.keys(p) as (keyof GcnParams)[];
    const r = tf.tensor2d(f.r, f.x.shape as [number, number]);
    const g = tf.grads((...ts: tf.Tensor[]) => tf.sum(tf.mul(graphRefinement(x, Object.fromEntries(keys.map((k, i) => [k, ts[i]])) as unknown as GcnParams), r)));
    const grads = g(keys.map((k) => p[k]));
    keys.forEach((k, i) => expect(worst(grads[i]!.dataSync(), f.grads[k])).toBeLessThan(TOL));
  });
  test('starts as the identity (v = 0, bv = 0)', () => {
    const q = initGcnParams(f.x.shape[1]!, 5, 1);
    expect(worst(graphRefinement(x, q).dataSync(), x.dataSync())).toBeLessThan(1e-7);
  });
});
