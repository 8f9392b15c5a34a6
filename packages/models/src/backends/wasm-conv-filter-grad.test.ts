import * as tf from '@tensorflow/tfjs-core';
import { SeededRng } from '@descbench/core';
import { useTfjsBackend } from './tfjs';
import { relativeError } from './wasm-test-util';

function rand(shape: number[], seed: number): Float32Array {
  const r = new SeededRng(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 2 * r.float() - 1);
}

/** d/dW of sum(conv(x, W) * R) on the active backend. */
function filterGrad(xs: number[], ws: number[], stride: number, pad: number | 'same' | 'valid' | tf.backend_util.ExplicitPadding): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor4d(rand(xs, 1), xs as [number, number, number, number]);
    const w = tf.tensor4d(rand(ws, 2), ws as [number, number, number, number]);
    const f = (wt: tf.Tensor4D): tf.Scalar => {
      const y = tf.conv2d(x, wt, stride, pad as 'valid');
      return tf.sum(tf.mul(y, tf.tensor(rand(y.shape, 3), y.shape)));
    };
    return tf.grad(f)(w).dataSync() as Float32Array;
  });
}

describe('wasm Conv2DBackpropFilter (custom kernel)', () => {
  type Pad = number | 'same' | 'valid' | tf.backend_util.ExplicitPadding;
  const cases: [string, number[], number[], number, Pad][] = [
    ['3x3 stride 1 valid', [2, 8, 8, 3], [3, 3, 3, 4], 1, 'valid'],
    ['3x3 stride 1 pad 1, 8+8 output channels (SIMD tiles)', [2, 7, 6, 8], [3, 3, 8, 16], 1, 1],
    ['3x3 pad 1, one input channel (L2-Net first layer)', [3, 9, 9, 1], [3, 3, 1, 8], 1, 1],
    ['3x3 pad 1 over two im2col chunks', [2, 16, 16, 64], [3, 3, 64, 12], 1, 1],
    ['explicit asymmetric pads', [2, 7, 7, 3], [3, 3, 3, 2], 2, [[0, 0], [2, 0], [0, 1], [0, 0]]],
    ['5x3 stride 3 same', [1, 11, 10, 2], [5, 3, 2, 3], 3, 'same'],
    ['3x3 stride 2 pad 1', [3, 9, 9, 2], [3, 3, 2, 5], 2, 1],
    ['3x3 stride 2 same', [2, 8, 8, 4], [3, 3, 4, 4], 2, 'same'],
    ['8x8 valid (L2-Net head)', [2, 8, 8, 4], [8, 8, 4, 3], 1, 'valid'],
    ['1x1', [2, 5, 5, 6], [1, 1, 6, 3], 1, 'valid'],
    ['1x1 over two chunks of rows (SOA projections)', [4, 40, 40, 6], [1, 1, 6, 8], 1, 'valid'],
  ];
  test.each(cases)('%s equals the cpu backend', async (_n, xs, ws, s, p) => {
    await useTfjsBackend('cpu');
    const ref = filterGrad(xs, ws, s, p);
    await useTfjsBackend('wasm');
    const got = filterGrad(xs, ws, s, p);
    // float32 sums over B*OH*OW terms in another order: error relative to the gradient's scale
    expect(relativeError(got, ref)).toBeLessThan(1e-5);
    await useTfjsBackend('cpu');
  });

  test('same inputs, same numbers; frees its scratch', async () => {
    await useTfjsBackend('wasm');
    const before = tf.backend().numDataIds();
    const a = filterGrad([2, 9, 9, 4], [3, 3, 4, 8], 2, 1);
    const b = filterGrad([2, 9, 9, 4], [3, 3, 4, 8], 2, 1);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(tf.backend().numDataIds()).toBe(before);
    await useTfjsBackend('cpu');
  });
});
