import * as tf from '@tensorflow/tfjs-core';
import { useTfjsBackend } from './tfjs';
import { registerWasmSwapTranspose } from './wasm-swap-transpose';
import { seededUniform } from './wasm-test-util';

function transpose(xs: number[], perm: number[]): { shape: number[]; data: number[] } {
  return tf.tidy(() => {
    const x = tf.tensor(seededUniform(xs, 41), xs);
    const y = tf.engine().runKernel('Transpose', { x }, { perm }) as tf.Tensor;
    return { shape: y.shape, data: Array.from(y.dataSync() as Float32Array) };
  });
}

describe('wasm Transpose swapping first and last axes (custom kernel)', () => {
  const cases: [string, number[], number[]][] = [
    ['NHWC -> CHWN', [3, 5, 4, 6], [3, 1, 2, 0]],
    ['rank 3', [4, 7, 5], [2, 1, 0]],
    ['rank 5', [2, 3, 2, 2, 3], [4, 1, 2, 3, 0]],
    ['size-1 dims fall back', [1, 5, 4, 6], [3, 1, 2, 0]],
    ['other perms fall back', [3, 5, 4, 6], [1, 2, 0, 3]],
  ];
  test.each(cases)('%s equals the cpu backend', async (_n, xs, perm) => {
    await useTfjsBackend('cpu');
    const ref = transpose(xs, perm);
    await useTfjsBackend('wasm');
    registerWasmSwapTranspose();
    const before = tf.backend().numDataIds();
    const got = transpose(xs, perm);
    expect(tf.backend().numDataIds()).toBe(before);
    expect(got).toEqual(ref);
    await useTfjsBackend('cpu');
  });
});
