import * as tf from '@tensorflow/tfjs-core';
import { useTfjsBackend } from './tfjs';
import { registerWasmSkinnyMatMul } from './wasm-skinny-matmul';
import { relativeError, seededUniform } from './wasm-test-util';

function matMul(as: number[], bs: number[], ta: boolean, tb: boolean): { shape: number[]; data: Float32Array } {
  return tf.tidy(() => {
    const a = tf.tensor(seededUniform(as, 21), as);
    const b = tf.tensor(seededUniform(bs, 22), bs);
    const y = tf.engine().runKernel('BatchMatMul', { a, b }, { transposeA: ta, transposeB: tb }) as tf.Tensor;
    return { shape: y.shape, data: y.dataSync() as Float32Array };
  });
}

describe('wasm BatchMatMul for few-row A (custom kernel)', () => {
  const cases: [string, number[], number[], boolean, boolean][] = [
    ['[1, K] x [K, N] (BatchNorm reduction)', [1, 9000], [9000, 7], false, false],
    ['[1, 1, K] x [1, K, N]', [1, 1, 5000], [1, 5000, 3], false, false],
    ['[K, 1]^T x [K, N]', [6000, 1], [6000, 5], true, false],
    ['[3, K] x [K, N], K not a multiple of 4', [3, 4099], [4099, 4], false, false],
    ['falls back: [2, K] x [N, K]^T', [2, 3000], [5, 3000], false, true],
    ['falls back: [64, K] x [K, N]', [64, 300], [300, 20], false, false],
    ['falls back: batch 2', [2, 1, 4096], [2, 4096, 3], false, false],
  ];
  test.each(cases)('%s equals the cpu backend', async (_n, as, bs, ta, tb) => {
    await useTfjsBackend('cpu');
    const ref = matMul(as, bs, ta, tb);
    await useTfjsBackend('wasm');
    registerWasmSkinnyMatMul();
    const got = matMul(as, bs, ta, tb);
    expect(got.shape).toEqual(ref.shape);
    expect(relativeError(got.data, ref.data)).toBeLessThan(1e-4);
    await useTfjsBackend('cpu');
  });

  test('registration is idempotent', async () => {
    await useTfjsBackend('wasm');
    registerWasmSkinnyMatMul();
    expect(registerWasmSkinnyMatMul()).toBe(false);
    await useTfjsBackend('cpu');
  });
});
