import * as tf from '@tensorflow/tfjs-core';
import { useTfjsBackend } from './tfjs';
import { registerWasmTrainingKernels } from './wasm-training-kernels';
import { relativeError, seededUniform } from './wasm-test-util';

function matMul(as: number[], bs: number[], ta: boolean, tb: boolean): { shape: number[]; data: Float32Array } {
  return tf.tidy(() => {
    const a = tf.tensor(seededUniform(as, 21), as);
    const b = tf.tensor(seededUniform(bs, 22), bs);
    const c = tf.matMul(a, b, ta, tb);
    return { shape: c.shape, data: c.dataSync() as Float32Array };
  });
}

describe('wasm BatchMatMul as a SIMD GEMM (custom kernel)', () => {
  const cases: [string, number[], number[], boolean, boolean][] = [
    // M*K*N >= 65,536 each, so that the custom kernel takes them
    ['plain, batch 3, 6*8+1 columns', [3, 37, 45], [3, 45, 49], false, false],
    ['A transposed (attention gradient)', [3, 45, 37], [3, 45, 49], true, false],
    ['B transposed (f g^T)', [2, 40, 16], [2, 150, 16], false, true],
    ['B transposed, one B for every batch', [4, 40, 16], [1, 150, 16], false, true],
    ['A broadcast', [1, 33, 40], [3, 40, 51], false, false],
    ['rank 4, 7*8+3 columns', [2, 2, 30, 40], [2, 2, 40, 59], false, false],
    ['rank 2, tall', [300, 64], [64, 24], false, false],
  ];
  test.each(cases)('%s equals the cpu backend', async (_n, as, bs, ta, tb) => {
    await useTfjsBackend('cpu');
    const ref = matMul(as, bs, ta, tb);
    await useTfjsBackend('wasm');
    registerWasmTrainingKernels();
    const before = tf.backend().numDataIds();
    const got = matMul(as, bs, ta, tb);
    expect(tf.backend().numDataIds()).toBe(before);
    expect(got.shape).toEqual(ref.shape);
    expect(relativeError(got.data, ref.data)).toBeLessThan(1e-5);
    await useTfjsBackend('cpu');
  });
});
