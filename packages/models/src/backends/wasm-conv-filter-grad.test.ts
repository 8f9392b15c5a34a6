import * as tf from '@tensorflow/tfjs-core';
import { SeededRng } from '@descbench/core';
import { useTfjsBackend } from './tfjs';

function rand(shape: number[], seed: number): Float32Array {
  const r = new SeededRng(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 2 * r.float() - 1);
}

/** d/dW of sum(conv(x, W) * R) on the active backend. */
function filterGrad(xs: number[], ws: number[], stride: number, pad: number | 'same' | 'valid'): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor4d(rand(xs, 1), xs as [number, number, number, number]);
    const w = tf.tensor4d(rand(ws, 2), ws as [number, number, number, number]);
    const f = (wt: tf.Tensor4D): tf.Scalar => {
      const y = typeof pad === 'number' ? tf.conv2d(x, wt, stride, pad) : tf.conv2d(x, wt, stride, pad);
      return tf.sum(tf.mul(y, tf.tensor(rand(y.shape, 3), y.shape)));
    };
    return tf.grad(f)(w).dataSync() as Float32Array;
  });
}

describe('wasm Conv2DBackpropFilter (custom kernel)', () => {
  const cases: [string, number[], number[], number, number | 'same' | 'valid'][] = [
    ['3x3 stride 1 valid', [2, 8, 8, 3], [3, 3, 3, 4], 1, 'valid'],
    ['3x3 stride 2 pad 1', [3, 9, 9, 2], [3, 3, 2, 5], 2, 1],
    ['3x3 stride 2 same', [2, 8, 8, 4], [3, 3, 4, 4], 2, 'same'],
    ['8x8 valid (L2-Net head)', [2, 8, 8, 4], [8, 8, 4, 3], 1, 'valid'],
    ['1x1', [2, 5, 5, 6], [1, 1, 6, 3], 1, 'valid'],
  ];
  test.each(cases)('%s equals the cpu backend', async (_n, xs, ws, s, p) => {
    await useTfjsBackend('cpu');
    const ref = filterGrad(xs, ws, s, p);
    await useTfjsBackend('wasm');
    const got = filterGrad(xs, ws, s, p);
    expect(got.length).toBe(ref.length);
    let err = 0;
    for (let i = 0; i < ref.length; i++) err = Math.max(err, Math.abs(got[i]! - ref[i]!) / (1 + Math.abs(ref[i]!)));
    expect(err).toBeLessThan(1e-5);
    await useTfjsBackend('cpu');
  });
});
