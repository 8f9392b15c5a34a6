import * as tf from '@tensorflow/tfjs-core';
import { useTfjsBackend } from './tfjs';
import { registerWasmFastSlice } from './wasm-fast-slice';
import { seededUniform } from './wasm-test-util';

function slice(xs: number[], begin: number[], size: number[], dtype: 'float32' | 'int32' | 'bool'): { shape: number[]; data: number[] } {
  return tf.tidy(() => {
    const v = seededUniform(xs, 31);
    const x = dtype === 'float32' ? tf.tensor(v, xs) : dtype === 'int32' ? tf.tensor(Int32Array.from(v, (q) => Math.round(q * 1000)), xs, 'int32') : tf.tensor(Uint8Array.from(v, (q) => (q > 0 ? 1 : 0)), xs, 'bool');
    const y = tf.engine().runKernel('Slice', { x }, { begin, size }) as tf.Tensor;
    return { shape: y.shape, data: Array.from(y.dataSync() as ArrayLike<number>) };
  });
}

describe('wasm Slice with short runs (custom kernel)', () => {
  const cases: [string, number[], number[], number[], 'float32' | 'int32' | 'bool'][] = [
    ['pad gradient crop [B, H+2, W+2, C]', [3, 10, 10, 4], [0, 1, 1, 0], [3, 8, 8, 4], 'float32'],
    ['asymmetric crop, C sliced too', [2, 7, 6, 5], [1, 2, 0, 1], [1, 3, 6, 3], 'float32'],
    ['size -1', [2, 6, 6, 3], [0, 1, 2, 0], [-1, -1, 3, -1], 'float32'],
    ['rank 2', [50, 20], [3, 5], [40, 10], 'float32'],
    ['rank 5 int32', [2, 3, 4, 5, 6], [1, 0, 1, 2, 1], [1, 3, 2, 3, 4], 'int32'],
    ['bool', [4, 9, 9], [1, 1, 1], [2, 7, 7], 'bool'],
    ['falls back: contiguous', [4, 8, 8], [1, 0, 0], [2, 8, 8], 'float32'],
    ['falls back: long runs', [3, 100, 1000], [0, 2, 0], [3, 50, 1000], 'float32'],
  ];
  test.each(cases)('%s equals the cpu backend', async (_n, xs, begin, size, dtype) => {
    await useTfjsBackend('cpu');
    const ref = slice(xs, begin, size, dtype);
    await useTfjsBackend('wasm');
    registerWasmFastSlice();
    const got = slice(xs, begin, size, dtype);
    expect(got).toEqual(ref);
    await useTfjsBackend('cpu');
  });
});
